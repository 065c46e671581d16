import { afterEach, describe, expect, it } from 'vitest';
import { mattermost } from '../../src/targets/mattermost.js';
import { fixtureContext, fixtureInput, fixtureTarget, MEMBERS } from '../helpers/fixtures.js';
import {
  mattermostError,
  mentionsIn,
  startMattermost,
  type MattermostEmulator,
  type MattermostOptions,
} from '../helpers/mattermost-emulator.js';
import { githubEnv, runDist } from '../helpers/run-dist.js';
import { send } from './helpers.js';

const HOOK = 'bywsw8zt5jgpte3nm65qjiru6h';
const members = { ...MEMBERS, ann: { ...MEMBERS.ann, mattermost: 'ann.lee' } };

const servers: MattermostEmulator[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function start(options: Partial<MattermostOptions> = {}): Promise<MattermostEmulator> {
  const server = await startMattermost({ hook: HOOK, channels: ['ci', 'town-square'], ...options });
  servers.push(server);
  return server;
}

function input(webhook: string, fields: Record<string, unknown> = {}, status = 'failed', context = fixtureContext()) {
  return fixtureInput(fixtureTarget({ type: 'mattermost', webhook, ...fields }), status, context, members);
}

type Attachment = {
  fallback: string;
  color: string;
  title: string;
  title_link: string;
  text: string;
  fields: { short: boolean; title: string; value: string }[];
};
const attachmentOf = (body: Record<string, unknown>) => (body.attachments as Attachment[])[0]!;

describe('mattermost', () => {
  it('posts markdown text and one attachment coloured by status with the facts as fields; ok is delivered', async () => {
    const vendor = await start();
    const { result } = await send(input(vendor.webhook));
    expect(result).toMatchObject({ state: 'sent', attempts: 1 });
    const post = vendor.accepted[0]!;
    expect(post).toMatchObject({ channel: 'ci', mentions: [], posts: 1 });
    expect(post.body.text).toBe('#### ❌ Workflow CI #47 failed');
    expect(post.body).not.toHaveProperty('blocks');
    const attachment = attachmentOf(post.body);
    expect(attachment).toMatchObject({
      fallback: '❌ Workflow CI #47 failed',
      color: '#d24b4e',
      title: 'Click for more information',
      title_link: 'https://github.com/acme/shop/actions/runs/8123456789',
    });
    expect(attachment.fields).toEqual([
      { short: true, title: 'Executor', value: 'ann' },
      { short: true, title: 'Project', value: 'acme/shop' },
      { short: true, title: 'Start time', value: '2026-11-20 08:00:02 UTC' },
      { short: true, title: 'Duration', value: '3m 58s' },
      { short: true, title: 'Remark', value: 'Fix checkout for "quoted" carts' },
    ]);
    expect(attachment.text).toBe(
      [
        '✅ **build**: succeeded',
        '❌ **test**: failed',
        '    ❌ test (ubuntu, 22): failed',
        '    ✅ test (macos, 22): succeeded',
        '**Commit**: main [6dcb09b](https://github.com/acme/shop/commit/6dcb09b5b57875f334f61aebed695e2e4193db5e) Fix checkout for "quoted" carts',
        '**Error**: test (ubuntu, 22): step "Run npm test" failed',
      ].join('\n'),
    );
  });

  it('sends channel, username and icon_url overrides when set', async () => {
    const vendor = await start();
    const { result } = await send(
      input(vendor.webhook, { channel: 'town-square', username: 'ci-bot', iconUrl: 'https://acme.example/ci.png' }),
    );
    expect(result.state).toBe('sent');
    expect(vendor.accepted[0]!.channel).toBe('town-square');
    expect(vendor.accepted[0]!.body).toMatchObject({ username: 'ci-bot', icon_url: 'https://acme.example/ci.png' });
    expect(mattermost.fields).toHaveProperty('icon-url');
  });

  it('mentions @username and @channel only when configured; says what it cannot', async () => {
    const vendor = await start();
    const { result, warnings } = await send(
      input(vendor.webhook, { at: ['$ann', 'all', '@lead.dev', 'ops@corp.example', 'not a name', '$bob'] }),
    );
    expect(result.state).toBe('sent');
    expect(vendor.accepted[0]!.body.text).toBe('#### ❌ Workflow CI #47 failed\n@channel @ann.lee @lead.dev');
    expect(vendor.accepted[0]!.mentions).toEqual(['channel', 'ann.lee', 'lead.dev']);
    expect(warnings).toEqual([
      'mattermost "mattermost#0": cannot mention $bob: the member has no mattermost username',
      'mattermost "mattermost#0": cannot mention "not a name": not a Mattermost username; left out',
      'mattermost "mattermost#0": cannot mention ops@corp.example: Mattermost mentions by username',
    ]);
  });

  it('lets no pipeline value ping anyone, in text, attachment text or fields', async () => {
    const vendor = await start({ users: { u0ann: 'ann.lee' } });
    const hostile =
      '@channel @here @all @ann.lee <!channel> <!here> <@u0ann> <b>x</b> **bold** & {{x}} [x](https://evil)';
    const context = fixtureContext({ workflowDisplayName: hostile, remark: hostile });
    context.repo.commitMessage = hostile;
    context.stages[1]!.jobs[0]!.displayName = hostile;
    context.stages[1]!.jobs[0]!.error = hostile;
    const { result } = await send(input(vendor.webhook, {}, 'failed', context));
    expect(result.state).toBe('sent');
    const post = vendor.accepted[0]!;
    expect(post.mentions).toEqual([]);
    // The fallback is plain text (notifications): only its < and @ matter there.
    const all = JSON.stringify({ ...post.body, attachments: [{ ...attachmentOf(post.body), fallback: '' }] });
    expect(all).not.toMatch(/<!channel>|<!here>|<@u0ann>|<b>|[^\\]\*\*bold/);
    expect(all).not.toContain(' [x](https://evil)');
    expect(all).toContain('{{x}}');
    expect(attachmentOf(post.body).fields[4]!.value).toBe(
      '@\u200bchannel @\u200bhere @\u200ball @\u200bann.lee &lt;!channel&gt; &lt;!here&gt; &lt;@\u200bu0ann&gt; &lt;b&gt;x&lt;/b&gt; \\*\\*bold\\*\\* &amp; {{x}} \\[x\\](https://evil)',
    );
    expect(attachmentOf(post.body).fallback).toContain(
      '@\u200bchannel @\u200bhere @\u200ball @\u200bann.lee <\u200b!channel>',
    );
  });

  it('keeps the whole post within 16,383 characters: one post, cut cleanly', async () => {
    const vendor = await start();
    const context = fixtureContext();
    context.stages = [
      {
        name: 'big',
        jobs: Array.from({ length: 40 }, (_, i) => ({
          name: `job ${i}`,
          displayName: `job ${i} ${'长<&*'.repeat(125)}`,
          type: 'x',
          status: 'failed',
          startTime: 0,
          endTime: 0,
          error: '',
        })),
      },
    ];
    const { result } = await send(input(vendor.webhook, {}, 'failed', context));
    expect(result.state).toBe('sent');
    const post = vendor.accepted[0]!;
    expect(post.posts).toBe(1);
    const a = attachmentOf(post.body);
    const total = [
      post.body.text as string,
      a.fallback,
      a.title,
      a.text,
      ...a.fields.flatMap((f) => [f.title, f.value]),
    ]
      .map((s) => Array.from(s).length)
      .reduce((x, y) => x + y, 0);
    expect(total).toBeLessThanOrEqual(16_383);
    // At most one escaped job line (about 1,500 characters) is given up to cut at a line.
    expect(total).toBeGreaterThan(14_500);
    expect(a.text).toMatch(/\n…\(truncated\)$/);
    expect(a.text).not.toMatch(/&[a-z]*\n…/);
  });

  it('explains a wrong webhook and a locked channel without retrying', async () => {
    const vendor = await start({ locked: true });
    const wrong = await send(input(vendor.webhook.replace(HOOK, 'nope')));
    expect(wrong.result).toMatchObject({
      state: 'failed',
      attempts: 1,
      failure: { kind: 'refused', code: 'web.incoming_webhook.invalid.app_error' },
      error:
        'Mattermost rejected the message (400 web.incoming_webhook.invalid.app_error: Invalid webhook.): the webhook address is wrong, or the webhook was deleted',
    });
    const locked = await send(input(vendor.webhook, { channel: 'town-square' }));
    expect(locked.result.error).toBe(
      'Mattermost rejected the message (403 web.incoming_webhook.channel_locked.app_error: This webhook is not permitted to post to the requested channel.): this webhook may post only to its own channel: remove channel',
    );
  });

  it('does not retry a server with incoming webhooks disabled (501), and retries a 503', async () => {
    const disabled = await start({
      first: [
        mattermostError(
          501,
          'web.incoming_webhook.disabled.app_error',
          'Incoming webhooks have been disabled by the system admin.',
        ),
      ],
    });
    const off = await send(input(disabled.webhook));
    expect(off.result).toMatchObject({ state: 'failed', attempts: 1 });
    const busy = await start({
      first: [{ status: 503, body: 'Service Unavailable', headers: { 'Retry-After': '0' } }],
    });
    const again = await send(input(busy.webhook));
    expect(again.result).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('finds mentions the way the server does', () => {
    expect(mentionsIn('hi @ann.lee, @channel! mail@x.com @\u200bhere')).toEqual(['ann.lee', 'channel']);
  });
});

describe('mattermost through dist/index.js', () => {
  it('dry-runs with the hook id hidden', async () => {
    const result = await runDist({
      env: githubEnv({
        INPUT_STATUS: 'failure',
        'INPUT_DRY-RUN': 'true',
        INPUT_TARGETS: `- {name: mm, type: mattermost, webhook: "https://mm.acme.example/hooks/${HOOK}", channel: ci}`,
      }),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('○ mattermost "mm" dry run: nothing sent');
    expect(result.stdout).toContain('  POST https://mm.acme.example/hooks/***\n');
    const visible = result.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    expect(visible).not.toContain(HOOK);
  });

  it('sends for real', async () => {
    const vendor = await start();
    const result = await runDist({
      env: githubEnv({
        INPUT_STATUS: 'success',
        INPUT_TARGETS: `- {name: mm, type: mattermost, webhook: "${vendor.webhook}"}`,
      }),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^✓ mattermost "mm" delivered in \d+ ms$/m);
    expect(vendor.accepted[0]!.body.text).toBe('#### 👍 Workflow CI #47 succeeded');
    expect(attachmentOf(vendor.accepted[0]!.body).color).toBe('#3db887');
  });
});
