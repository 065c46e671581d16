// All nine target types in one run of dist/index.js, each vendor emulator answering late, with
// a commit message built to break things.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { example } from '../helpers/examples.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { githubEnv, runDist } from '../helpers/run-dist.js';
import { startSmtp, type Smtp } from '../helpers/smtp.js';
import {
  startDingTalk,
  startDiscord,
  startFeishu,
  startFeishuApp,
  startSlack,
  startTeams,
  startWeCom,
  type Emulator,
} from '../helpers/vendors.js';

const DELAY = 400;
// Messages show a commit's first line, so everything hostile is on it (and more below).
const HOSTILE = [
  'Fix "quotes" \'and\' `ticks` \\ {{workflow.status}} {{#each x}}}} <script>alert(1)</script> <!channel> <!here> @everyone @here <at id=all></at> <@U0ANN> <@80351110224678912> [link](https://evil.example) **bold**',
  '# heading',
  '<at id=all></at> @all',
].join('\n');

let servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
async function track<T extends { close(): Promise<void> }>(s: Promise<T>): Promise<T> {
  const server = await s;
  servers.push(server);
  return server;
}

interface Nine {
  dingtalk: Emulator;
  feishu: Emulator;
  app: Emulator;
  wecom: Emulator;
  teams: Emulator;
  slack: Emulator;
  discord: Emulator;
  hook: Receiver;
  smtp: Smtp;
}

async function startAll(): Promise<Nine> {
  return {
    dingtalk: await track(
      startDingTalk({ token: 'ddtoken123456', secret: 'SECddsecret', keywords: ['Workflow'], delayMs: DELAY }),
    ),
    feishu: await track(
      startFeishu({ hook: 'fshook-1234-5678', secret: 'fssecret', keywords: ['Workflow'], delayMs: DELAY }),
    ),
    app: await track(
      startFeishuApp({
        appId: 'cli_app123',
        appSecret: 'appS3cretX',
        receivers: { chat_id: ['oc_ops'] },
        delayMs: DELAY,
      }),
    ),
    wecom: await track(startWeCom({ key: 'wckey-1234-5678', delayMs: DELAY })),
    teams: await track(startTeams({ sig: 'teamsSig12345678', delayMs: DELAY })),
    slack: await track(startSlack({ path: '/services/T0AAAAAAA/B0BBBBBBB/slackSecret12345', delayMs: DELAY })),
    discord: await track(startDiscord({ id: '1234567890123456789', token: 'discordTok3n', delayMs: DELAY })),
    hook: await track(startReceiver([{ delayMs: DELAY }])),
    smtp: await track(startSmtp()),
  };
}

function targetsYaml(n: Nine): string {
  return [
    `- {name: dd, type: dingtalk, webhook: "${n.dingtalk.webhook}", secret: SECddsecret}`,
    `- {name: fs, type: feishu, webhook: "${n.feishu.webhook}", secret: fssecret}`,
    `- {name: app, type: feishu-app, domain: "${n.app.url}", app-id: cli_app123, app-secret: appS3cretX, receivers: oc_ops}`,
    `- {name: wc, type: wecom, webhook: "${n.wecom.webhook}"}`,
    `- {name: tm, type: teams, webhook: "${n.teams.webhook}"}`,
    `- {name: sl, type: slack, webhook: "${n.slack.webhook}"}`,
    `- {name: dc, type: discord, webhook: "${n.discord.webhook}"}`,
    `- {name: wh, type: webhook, webhook: "${n.hook.url}/zadig", secret: whsecret}`,
    `- {name: em, type: email, smtp: "${n.smtp.url()}", from: ci@acme.example, to: ops@acme.example}`,
  ].join('\n');
}

function pushEvent(message: string) {
  const event = example('push');
  (event.head_commit as { message: string }).message = message;
  return event;
}

describe('email over SMTP', () => {
  it('upgrades with STARTTLS when the server offers it, verifying its certificate', async () => {
    const smtp = await track(startSmtp({ starttls: true }));
    const result = await runDist({
      env: githubEnv({
        NODE_EXTRA_CA_CERTS: fileURLToPath(new URL('../fixtures/localhost-cert.pem', import.meta.url)),
        INPUT_STATUS: 'success',
        INPUT_TARGETS: `- {type: email, smtp: "${smtp.url()}", to: ops@acme.example}`,
      }),
      event: pushEvent('ok'),
    });
    expect(result.code).toBe(0);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.secure).toBe(true);
    expect(smtp.mails[0]!.from).toBe('workflow-notify@127.0.0.1');
  });

  it('refuses an untrusted certificate rather than send the password in clear', async () => {
    const smtp = await track(startSmtp({ starttls: true }));
    const result = await runDist({
      env: githubEnv({
        INPUT_STATUS: 'success',
        INPUT_TARGETS: `- {type: email, smtp: "${smtp.url()}", to: ops@acme.example}`,
        INPUT_RETRIES: '0',
      }),
      event: pushEvent('ok'),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^::warning::✗ email "email#0" failed: SMTP E\w+: .*self[- ]signed certificate/m);
    expect(smtp.mails).toHaveLength(0);
    const visible = result.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
    expect(visible.join('\n')).not.toContain('mailPa55word');
  });
});

describe('members', () => {
  it('sends to $committers, and names a login missing from members once for the whole run', async () => {
    const smtp = await track(startSmtp());
    const chat = await track(startReceiver([{ status: 200, body: 'ok' }]));
    const event = pushEvent('Fix checkout');
    event.commits = [
      { id: 'a1', message: 'one', author: { name: 'Ann Lee', email: 'ann@acme.example', username: 'ann' } },
      { id: 'b2', message: 'two', author: { name: 'Bob', email: 'bob@users.noreply.github.com', username: 'bob' } },
      { id: 'c3', message: 'three', author: { name: 'Cy', email: 'cy@acme.example', username: 'cy' } },
    ];
    const result = await runDist({
      env: githubEnv({
        INPUT_STATUS: 'failure',
        INPUT_MEMBERS: 'bob: {email: bob@acme.example}\nann: {slack: U0ANN}',
        INPUT_TARGETS: [
          `- {type: email, smtp: "${smtp.url()}", to: "$committers", from: ci@acme.example}`,
          `- {type: slack, name: a, webhook: "${chat.url}/services/T/B/X", at: "$ann;$nobody"}`,
          `- {type: slack, name: b, webhook: "${chat.url}/services/T/B/Y", at: "$nobody"}`,
        ].join('\n'),
      }),
      event,
    });
    expect(result.code).toBe(0);
    expect(smtp.mails[0]!.to).toEqual(['ann@acme.example', 'bob@acme.example', 'cy@acme.example']);
    const warnings = result.stdout.split('\n').filter((l) => l.includes('is not in members'));
    expect(warnings).toEqual([
      '::warning::"nobody" is not in members: it is left out of mentions and recipients (add it to members).',
    ]);
    expect(JSON.parse(chat.requests.find((r) => r.url.endsWith('/X'))!.body).text).toBe(
      '❌ Workflow CI #47 failed <@U0ANN>',
    );
  });
});

describe('all nine targets in one run', () => {
  it('delivers to every type concurrently, and a hostile commit message is only ever text', async () => {
    const n = await startAll();
    const result = await runDist({
      env: githubEnv({ INPUT_STATUS: 'failure', INPUT_TARGETS: targetsYaml(n) }),
      event: pushEvent(HOSTILE),
    });
    expect(result.code).toBe(0);
    for (const name of ['dd', 'fs', 'app', 'wc', 'tm', 'sl', 'dc', 'wh', 'em']) {
      expect(result.stdout).toMatch(new RegExp(`^✓ \\S+ "${name}" delivered in \\d+ ms$`, 'm'));
    }
    expect(result.outputs).toMatchObject({ sent: '9', failed: '0', skipped: '0', status: 'failed', events: 'failed' });
    // Eight slow answers (two for feishu-app) in well under the 3.6 s they would take one by one.
    expect(result.ms).toBeLessThan(2500);

    const body = (e: Emulator) => JSON.stringify(e.accepted);
    // Nothing from the commit can mention anyone.
    expect(n.dingtalk.accepted[0]).not.toHaveProperty('at');
    expect(body(n.feishu)).not.toContain('<at id=all></at>');
    expect(body(n.feishu)).toContain('&#60;at id=all&#62;&#60;/at&#62;');
    expect(body(n.app)).not.toContain('<at id=all></at>');
    expect(n.wecom.accepted).toHaveLength(1);
    expect(body(n.wecom)).not.toContain('<@U0ANN>');
    expect(
      (n.teams.accepted[0] as { attachments: { content: { msteams: { entities: unknown[] } } }[] }).attachments[0]!
        .content.msteams.entities,
    ).toEqual([]);
    expect(body(n.slack)).not.toMatch(/<!channel>|<!here>|<@U0ANN>/);
    expect(body(n.slack)).toContain('&lt;!channel&gt;');
    expect(n.discord.accepted[0]).toMatchObject({ content: '', allowed_mentions: { parse: [], users: [] } });
    expect(body(n.discord)).not.toMatch(/[^\\]@everyone/);
    // Templates in data are never evaluated.
    for (const e of [n.dingtalk, n.feishu, n.wecom, n.teams, n.slack, n.discord])
      expect(body(e)).toContain('{{workflow.status}}');
    // The webhook gets the commit message byte for byte.
    expect(JSON.parse(n.hook.requests[0]!.body).workflow.stages[0].jobs[0].spec.repositories[0].commit_message).toBe(
      HOSTILE,
    );
    expect(n.smtp.mails[0]!.mail.html).not.toContain('<script>');
    expect(n.smtp.mails[0]!.mail.html).toContain('&lt;script&gt;');
  });

  it('fits a 30,000-character commit message into every vendor, cut cleanly', async () => {
    const n = await startAll();
    const huge = `${'提交信息 with "quotes" & <tags> '.repeat(1100).slice(0, 30_000)}`;
    const result = await runDist({
      env: githubEnv({ INPUT_STATUS: 'success', INPUT_TARGETS: targetsYaml(n) }),
      event: pushEvent(huge),
    });
    expect(result.code).toBe(0);
    expect(result.outputs).toMatchObject({ sent: '9', failed: '0' });
    const all = [n.dingtalk, n.feishu, n.app, n.wecom, n.teams, n.slack, n.discord]
      .flatMap((e) => e.requests.map((r) => r.body))
      .filter((body) => !body.includes('"app_secret"'));
    expect(all).toHaveLength(7);
    for (const body of all) {
      expect(() => JSON.parse(body)).not.toThrow();
      expect(body).not.toContain('\ufffd');
      // The marker is data too: Discord's escaping makes it `…\(truncated\)`, which renders the same.
      expect(body).toMatch(/…[\\]*\(truncated[\\]*\)/);
    }
    // The payload carries the message cut at 4,096 characters, at a line or character boundary.
    const cut: string = JSON.parse(n.hook.requests[0]!.body).workflow.stages[0].jobs[0].spec.repositories[0]
      .commit_message;
    expect(cut.endsWith('\n…(truncated)')).toBe(true);
    expect(Array.from(cut).length).toBeLessThanOrEqual(4096);
    expect(huge.startsWith(cut.slice(0, -'\n…(truncated)'.length).trimEnd())).toBe(true);
  });

  it('reports each vendor refusal in one line and still delivers the others', async () => {
    const n = await startAll();
    const yaml = targetsYaml(n)
      .replace('secret: SECddsecret', 'secret: SECwrong')
      .replace('app-secret: appS3cretX', 'app-secret: nope');
    const result = await runDist({
      env: githubEnv({ INPUT_STATUS: 'success', INPUT_TARGETS: yaml }),
      event: pushEvent('ok'),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^::warning::✗ dingtalk "dd" failed: DingTalk rejected the message \(310000 sign not match, .*\): set secret to the robot's signing secret \(SEC…\)$/m,
    );
    expect(result.stdout).toContain(
      '::warning::✗ feishu-app "app" failed: Feishu app authentication rejected the message (10014 app secret invalid): check app-id and app-secret',
    );
    expect(result.outputs).toMatchObject({ sent: '7', failed: '2' });
    const visible = result.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    for (const secret of [
      'ddtoken123456',
      'SECwrong',
      'fssecret',
      'appS3cretX',
      'nope',
      'wckey-1234-5678',
      'teamsSig12345678',
      'slackSecret12345',
      'discordTok3n',
      'whsecret',
      'mailPa55word',
    ]) {
      expect(visible).not.toContain(secret);
    }
  });
});
