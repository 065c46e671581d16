import { afterEach, describe, expect, it } from 'vitest';
import { uuidV5Url } from '../../src/crypto.js';
import { cutCardHtml, googleChat } from '../../src/targets/google-chat.js';
import { fixtureContext, fixtureInput, fixtureTarget, MEMBERS } from '../helpers/fixtures.js';
import {
  googleChatRateLimit,
  startGoogleChat,
  type GoogleChatEmulator,
  type GoogleChatOptions,
} from '../helpers/google-chat-emulator.js';
import { githubEnv, runDist } from '../helpers/run-dist.js';
import { send } from './helpers.js';

const KEY = 'AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI';
const TOKEN = 'b5RnV4xJ2k3yqTa8GQ3zKx0Zs5rTf1m2c4hP9lE7d6w';
const members = { ...MEMBERS, ann: { ...MEMBERS.ann, 'google-chat': '106412993344872104545' } };
const RUN = 'https://github.com/acme/shop/actions/runs/8123456789';

const servers: GoogleChatEmulator[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function start(options: Partial<GoogleChatOptions> = {}): Promise<GoogleChatEmulator> {
  const server = await startGoogleChat({ space: 'AAAAx1y2z3w', key: KEY, token: TOKEN, ...options });
  servers.push(server);
  return server;
}

function input(webhook: string, fields: Record<string, unknown> = {}, status = 'failed', context = fixtureContext()) {
  return fixtureInput(fixtureTarget({ type: 'google-chat', webhook, ...fields }), status, context, members);
}

type Card = {
  header: { title: string; subtitle: string };
  sections: { widgets: Record<string, { text?: string; topLabel?: string; buttons?: unknown[] }>[] }[];
};
const cardOf = (body: Record<string, unknown>) => (body.cardsV2 as { card: Card }[])[0]!.card;

describe('google-chat', () => {
  it('posts a short text and a card into the run thread, keeping key and token', async () => {
    const vendor = await start();
    const { result } = await send(input(vendor.webhook));
    expect(result).toMatchObject({ state: 'sent', attempts: 1 });
    const url = new URL(vendor.requests[0]!.url, 'http://127.0.0.1');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      key: KEY,
      token: TOKEN,
      messageReplyOption: 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD',
    });
    const { body } = vendor.accepted[0]!;
    expect(body.text).toBe('❌ Workflow CI #47 failed');
    expect(body.thread).toEqual({ threadKey: uuidV5Url(RUN) });
    const card = cardOf(body);
    expect(card.header).toEqual({ title: '❌ Workflow CI #47 failed', subtitle: 'acme/shop' });
    expect(card.sections[0]!.widgets.map((w) => [w.decoratedText!.topLabel, w.decoratedText!.text])).toEqual([
      ['Executor', 'ann'],
      ['Project', 'acme/shop'],
      ['Start time', '2026-11-20 08:00:02 UTC'],
      ['Duration', '3m 58s'],
      ['Remark', 'Fix checkout for "quoted" carts'],
    ]);
    expect(card.sections[1]!.widgets[0]!.textParagraph!.text).toBe(
      [
        '<font color="#d93025"><b>failed</b></font>',
        '✅ <b>build</b>: succeeded',
        '❌ <b>test</b>: failed',
        '    ❌ test (ubuntu, 22): failed',
        '    ✅ test (macos, 22): succeeded',
        '<b>Commit</b>: main <a href="https://github.com/acme/shop/commit/6dcb09b5b57875f334f61aebed695e2e4193db5e">6dcb09b</a> Fix checkout for "quoted" carts',
        '<b>Error</b>: test (ubuntu, 22): step "Run npm test" failed',
      ].join('\n'),
    );
    expect(card.sections[2]!.widgets[0]!.buttonList!.buttons).toEqual([
      { text: 'Click for more information', onClick: { openLink: { url: RUN } } },
    ]);
  });

  it("puts every notification of one run in the run's thread", async () => {
    const vendor = await start();
    await send(input(vendor.webhook, {}, 'created'));
    await send(input(vendor.webhook, {}, 'passed'));
    const other = fixtureContext({ detailUrl: 'https://github.com/acme/shop/actions/runs/8123456790' });
    await send(input(vendor.webhook, {}, 'passed', other));
    const threads = vendor.accepted.map((m) => m.thread);
    expect(threads[0]).toBe(threads[1]);
    expect(threads[2]).not.toBe(threads[0]);
  });

  it('mentions <users/ID> and <users/all> in the text only; says what it cannot', async () => {
    const vendor = await start();
    const { result, warnings } = await send(
      input(vendor.webhook, { at: ['$ann', 'all', 'users/107000000000000000001', 'ops@corp.example', '$bob'] }),
    );
    expect(result.state).toBe('sent');
    expect(vendor.accepted[0]!.body.text).toBe(
      '❌ Workflow CI #47 failed <users/all> <users/106412993344872104545> <users/107000000000000000001>',
    );
    expect(vendor.accepted[0]!.mentions).toEqual(['all', '106412993344872104545', '107000000000000000001']);
    expect(warnings).toEqual([
      'google-chat "google-chat#0": cannot mention $bob: the member has no google-chat id',
      'google-chat "google-chat#0": cannot mention ops@corp.example: Google Chat mentions by user id (users/…)',
    ]);
  });

  it('keeps hostile pipeline values as text: no mention, no markup, nothing evaluated', async () => {
    const vendor = await start();
    const hostile = '<users/all> <b>bold</b> & {{x}} @channel <a href="https://evil">y</a>';
    const context = fixtureContext({ workflowDisplayName: hostile, remark: hostile });
    context.repo.commitMessage = hostile;
    const { result } = await send(input(vendor.webhook, {}, 'failed', context));
    expect(result.state).toBe('sent');
    const { body, mentions } = vendor.accepted[0]!;
    expect(mentions).toEqual([]);
    expect(body.text).toBe(
      `❌ Workflow <\u200busers/all> <\u200bb>bold<\u200b/b> & {{x}} @channel <\u200ba href="https://evil">y<\u200b/a> #47 failed`,
    );
    const paragraph = cardOf(body).sections[1]!.widgets[0]!.textParagraph!.text!;
    expect(paragraph).toContain(
      '6dcb09b</a> &lt;users/all&gt; &lt;b&gt;bold&lt;/b&gt; &amp; {{x}} @channel &lt;a href="https://evil"&gt;y&lt;/a&gt;',
    );
    expect(cardOf(body).sections[0]!.widgets[4]!.decoratedText!.text).toBe(
      '&lt;users/all&gt; &lt;b&gt;bold&lt;/b&gt; &amp; {{x}} @channel &lt;a href="https://evil"&gt;y&lt;/a&gt;',
    );
  });

  it('keeps the message within 32,000 bytes and the text within 4,096 characters', async () => {
    const vendor = await start();
    const context = fixtureContext({ workflowDisplayName: '工作流'.repeat(60) });
    context.stages = [
      {
        name: 'big',
        jobs: Array.from({ length: 40 }, (_, i) => ({
          name: `job ${i}`,
          displayName: `job ${i} ${'<b>长&'.repeat(120)}`,
          type: 'x',
          status: 'failed',
          startTime: 0,
          endTime: 0,
          error: '',
        })),
      },
    ];
    const many = Array.from({ length: 200 }, (_, i) => `users/10000000000000000${String(i).padStart(4, '0')}`);
    const { result } = await send(input(vendor.webhook, { at: many }, 'failed', context));
    expect(result.state).toBe('sent');
    const raw = vendor.requests[0]!.body;
    expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(32_000);
    expect(Buffer.byteLength(raw)).toBeGreaterThan(30_000);
    const paragraph = cardOf(vendor.accepted[0]!.body).sections[1]!.widgets[0]!.textParagraph!.text!;
    expect(paragraph).toMatch(/\n…\(truncated\)$/);
    expect(paragraph).not.toMatch(/&[a-z]*\n|<[^>]*\n/);
    expect(Array.from(vendor.accepted[0]!.body.text as string).length).toBeLessThanOrEqual(4096);
  });

  it('cuts card HTML without breaking a tag or an entity, closing open tags', () => {
    // 64 bytes stay free for end tags: 200 leaves 134 bytes of text before the cut.
    expect(cutCardHtml(`<b>${'a'.repeat(10)}<i>${'b'.repeat(300)}</i></b>`, 200, '…')).toBe(
      `<b>${'a'.repeat(10)}<i>${'b'.repeat(118)}</i></b>\n…`,
    );
    expect(cutCardHtml(`${'a'.repeat(130)}<a href="https://x.example/">link</a>`, 150, '…')).toBe(
      `${'a'.repeat(84)}\n…`,
    );
    expect(cutCardHtml(`${'a'.repeat(130)}<a href="https://x.example/">${'l'.repeat(100)}</a>`, 200, '…')).toBe(
      `${'a'.repeat(130)}\n…`,
    );
    expect(cutCardHtml(`${'a'.repeat(120)} &amp;&amp;&amp;${'z'.repeat(100)}`, 200, '…')).toBe(
      `${'a'.repeat(120)} &amp;&amp;\n…`,
    );
  });

  it('explains a wrong token or key without retrying, and never shows them', async () => {
    const vendor = await start();
    const wrongToken = await send(input(vendor.webhook.replace(TOKEN, 'nope')));
    expect(wrongToken.result).toMatchObject({
      state: 'failed',
      attempts: 1,
      failure: { kind: 'refused', code: 'PERMISSION_DENIED' },
    });
    expect(wrongToken.result.error).toBe(
      'Google Chat rejected the message (403 PERMISSION_DENIED: The API is called without a valid token. Instructions on how to use incoming webhooks can be found at https://developers.google.com/chat/how-tos/webhooks): the token in the webhook address is wrong, or the webhook was removed',
    );
    const wrongKey = await send(input(vendor.webhook.replace(KEY, 'nope')));
    expect(wrongKey.result.error).toBe(
      'Google Chat rejected the message (400 INVALID_ARGUMENT: API key not valid. Please pass a valid API key.): the key in the webhook address is wrong',
    );
  });

  it('retries a 429 and then delivers', async () => {
    const vendor = await start({
      first: [{ ...googleChatRateLimit, headers: { ...googleChatRateLimit.headers, 'Retry-After': '0' } }],
    });
    const { result } = await send(input(vendor.webhook));
    expect(result).toMatchObject({ state: 'sent', attempts: 2 });
    expect(vendor.accepted).toHaveLength(1);
  });

  it('declares its member field and secret', () => {
    expect(googleChat.mentions).toEqual({ field: 'google-chat', by: [] });
    expect(googleChat.fields.webhook).toMatchObject({ secret: true, required: true });
  });
});

describe('google-chat through dist/index.js', () => {
  it('dry-runs with the key and token hidden', async () => {
    const webhook = `https://chat.googleapis.com/v1/spaces/AAAAx1y2z3w/messages?key=${KEY}&token=${TOKEN}`;
    const result = await runDist({
      env: githubEnv({
        INPUT_STATUS: 'failure',
        'INPUT_DRY-RUN': 'true',
        INPUT_TARGETS: `- {name: gc, type: google-chat, webhook: "${webhook}"}`,
      }),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('○ google-chat "gc" dry run: nothing sent');
    expect(result.stdout).toContain(
      '  POST https://chat.googleapis.com/v1/spaces/***/messages?key=***&token=***&messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD\n',
    );
    const visible = result.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    expect(visible).not.toContain(KEY);
    expect(visible).not.toContain(TOKEN);
  });

  it('sends for real', async () => {
    const vendor = await start();
    const result = await runDist({
      env: githubEnv({
        INPUT_STATUS: 'success',
        INPUT_TARGETS: `- {name: gc, type: google-chat, webhook: "${vendor.webhook}"}`,
      }),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^✓ google-chat "gc" delivered in \d+ ms$/m);
    expect(vendor.accepted[0]!.body.text).toBe('👍 Workflow CI #47 succeeded');
    expect(result.outputs).toMatchObject({ sent: '1', failed: '0' });
  });
});
