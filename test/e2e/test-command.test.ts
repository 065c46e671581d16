// The test message (SPEC §13) through dist/index.js against EVERY target type, each pointed at its
// emulator, with events and branches that would not fire: every target gets one clearly marked
// message, webhooks carry X-Workflow-Notify-Test, one line per target; one failure fails the run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { TARGET_TYPES } from '../../src/targets/index.js';
import { startDingTalkApi } from '../helpers/dingtalk-api.js';
import { startFeishuApi } from '../helpers/feishu-api.js';
import { startGoogleChat } from '../helpers/google-chat-emulator.js';
import { startMattermost } from '../helpers/mattermost-emulator.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { githubEnv, runDist, type RunResult } from '../helpers/run-dist.js';
import { startSlackApi } from '../helpers/slack-api.js';
import { startSmtp, type Smtp } from '../helpers/smtp.js';
import { startTelegram } from '../helpers/telegram-emulator.js';
import { startDingTalk, startDiscord, startFeishu, startSlack, startTeams, startWeCom } from '../helpers/vendors.js';
import { startWeComApi } from '../helpers/wecom-api.js';

const folder = mkdtempSync(join(tmpdir(), 'wn-test-command-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

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

const CRED = {
  dingtalk: { token: 'ddTestT0ken123456', secret: 'SECddTestSecret' },
  dingtalkApp: { appKey: 'dingTestAppKey', appSecret: 'ddAppTestS3cret-0123456789', robotCode: 'dingTestRobot' },
  feishu: { hook: 'fs-test-hook-1234', secret: 'fsTestSecret' },
  feishuApp: { appId: 'cli_test0123456789', appSecret: 'fsTestAppS3cret-abcdefghij0123456' },
  wecom: { key: 'wc-test-key-5678' },
  wecomApp: { corpId: 'wwTestCorp01', corpSecret: 'wcTestAppS3cret-abcdefghij0123456', agentId: 1000002 },
  teams: { sig: 'teamsTestSig1234' },
  slack: { path: '/services/T0TEST000/B0TEST000/slackTestSecret12' },
  slackApp: { token: 'xoxb-1212-3434-testSlackT0ken' },
  discord: { id: '1234567890123456789', token: 'dIsCoRdTestT0ken_abcdefghij' },
  telegram: { token: '7000000001:AAHtestBotT0ken_abcdefghijklmnop' },
  googleChat: { space: 'AAAAtestspc', key: 'AIzaSyTestKey0123456789', token: 'gcTestT0ken-abc' },
  mattermost: { hook: 'mmtesthook0123456789abcdef' },
  webhook: { secret: 'whTestSecret' },
};

/** Every target type's emulator (the webhook's and email's apart: they get no title to search). */
interface Vendors {
  servers: Record<string, Receiver>;
  smtp: Smtp;
  hook: Receiver;
  targets: Record<string, unknown>[];
}

async function startVendors(): Promise<Vendors> {
  const dingtalk = await track(startDingTalk({ ...CRED.dingtalk, keywords: ['Workflow'] }));
  const dingtalkApp = await track(startDingTalkApi({ ...CRED.dingtalkApp, users: ['ann_dd'] }));
  const feishu = await track(startFeishu({ ...CRED.feishu, keywords: ['Workflow'] }));
  const feishuApp = await track(
    startFeishuApi({
      appId: CRED.feishuApp.appId,
      appSecret: CRED.feishuApp.appSecret,
      users: [],
      chats: ['oc_ops'],
    }),
  );
  const wecom = await track(startWeCom(CRED.wecom));
  const wecomApp = await track(startWeComApi({ ...CRED.wecomApp, users: [{ userid: 'AnnLee' }] }));
  const teams = await track(startTeams(CRED.teams));
  const slack = await track(startSlack(CRED.slack));
  const slackApp = await track(startSlackApi({ token: CRED.slackApp.token, channels: ['C0OPS'] }));
  const discord = await track(startDiscord(CRED.discord));
  const telegram = await track(
    startTelegram({ token: CRED.telegram.token, chats: { '-1001234567890': -1001234567890 } }),
  );
  const googleChat = await track(startGoogleChat(CRED.googleChat));
  const mattermost = await track(startMattermost({ hook: CRED.mattermost.hook, channels: ['ci'] }));
  const smtp = await track(startSmtp());
  const hook = await track(startReceiver());
  const targets: Record<string, unknown>[] = [
    { type: 'dingtalk', webhook: dingtalk.webhook, secret: CRED.dingtalk.secret },
    {
      type: 'dingtalk-app',
      'app-key': CRED.dingtalkApp.appKey,
      'app-secret': CRED.dingtalkApp.appSecret,
      'robot-code': CRED.dingtalkApp.robotCode,
      'api-url': dingtalkApp.url,
      receivers: 'ann_dd',
    },
    { type: 'feishu', webhook: feishu.webhook, secret: CRED.feishu.secret },
    {
      type: 'feishu-app',
      'app-id': CRED.feishuApp.appId,
      'app-secret': CRED.feishuApp.appSecret,
      domain: feishuApp.url,
      receivers: 'oc_ops',
    },
    { type: 'wecom', webhook: wecom.webhook },
    {
      type: 'wecom-app',
      'corp-id': CRED.wecomApp.corpId,
      'agent-id': String(CRED.wecomApp.agentId),
      'app-secret': CRED.wecomApp.corpSecret,
      'api-url': wecomApp.url,
      receivers: 'AnnLee',
    },
    { type: 'teams', webhook: teams.webhook },
    { type: 'slack', webhook: slack.webhook },
    { type: 'slack-app', token: CRED.slackApp.token, 'api-url': slackApp.url, receivers: 'C0OPS' },
    { type: 'discord', webhook: discord.webhook },
    { type: 'telegram', token: CRED.telegram.token, 'api-url': telegram.apiUrl, receivers: '-1001234567890' },
    { type: 'google-chat', webhook: googleChat.webhook },
    { type: 'mattermost', webhook: mattermost.webhook },
    { type: 'email', smtp: smtp.url(), from: 'ci@acme.example', to: 'ops@acme.example' },
    { type: 'webhook', webhook: `${hook.url}/zadig`, secret: CRED.webhook.secret },
  ].map((target) => ({
    name: `t-${String(target.type)}`,
    // Nothing here would fire on a real run: a test message goes out anyway.
    events: ['timeout'],
    branches: ['release/*'],
    ...target,
  }));
  return {
    servers: {
      dingtalk,
      'dingtalk-app': dingtalkApp,
      feishu,
      'feishu-app': feishuApp,
      wecom,
      'wecom-app': wecomApp,
      teams,
      slack,
      'slack-app': slackApp,
      discord,
      telegram,
      'google-chat': googleChat,
      mattermost,
    },
    smtp,
    hook,
    targets,
  };
}

function configFile(name: string, targets: Record<string, unknown>[]): string {
  const file = join(folder, `${name}.yml`);
  writeFileSync(file, stringify({ targets }));
  return file;
}

/** Every string inside a request body (JSON, form or text), its escapes undone, as one text. */
function textOf(body: string): string {
  const strings = (value: unknown): string[] => {
    if (typeof value === 'string') {
      try {
        const inner = JSON.parse(value) as unknown;
        if (inner && typeof inner === 'object') return [value, ...strings(inner)];
      } catch {
        // a plain string
      }
      return [value];
    }
    if (Array.isArray(value)) return value.flatMap(strings);
    if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
    return [];
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = body;
  }
  return strings(parsed)
    .join('\n')
    .replace(/&quot;/g, '"')
    .replace(/\\(.)/g, '$1');
}

/** What a vendor received that carries the test title (token and look-up calls hold none). */
function marked(server: Receiver, title: string): number {
  return server.requests.filter((r) => textOf(r.body).includes(title)).length;
}

const testTitle = (type: string) => `[Test] workflow-notify can reach "t-${type}"`;

function linesOf(run: RunResult): string[] {
  return run.stdout.split('\n').filter((line) => /^(::\w+::|error: |warning: )?[✓✗] /.test(line));
}

describe('the test command against every target type', () => {
  it('covers every type the program has', async () => {
    const v = await startVendors();
    expect(v.targets.map((t) => t.type).sort()).toEqual([...TARGET_TYPES].sort());
  });

  it('node dist/index.js test --config: every target gets the marked message, one line each, exit 0', async () => {
    const v = await startVendors();
    const config = configFile('all', v.targets);
    const run = await runDist({ argv: ['test', '--config', config] });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const [type, server] of Object.entries(v.servers)) {
      expect({ type, marked: marked(server, testTitle(type)) }).toEqual({ type, marked: 1 });
    }
    expect(v.smtp.mails.map((m) => m.mail.subject)).toEqual([testTitle('email')]);
    // The webhook gets this pipeline's payload, marked as a test.
    const hook = v.hook.requests[0]!;
    expect(hook.headers['x-workflow-notify-test']).toBe('true');
    expect(JSON.parse(hook.body)).toMatchObject({ object_kind: 'workflow', event: 'workflow' });
    const lines = linesOf(run);
    expect(lines).toHaveLength(TARGET_TYPES.length);
    for (const target of v.targets) {
      expect(
        lines.filter((l) => l.startsWith(`✓ ${String(target.type)} "${String(target.name)}" delivered in `)),
      ).toHaveLength(1);
    }
    expect(run.stdout).not.toMatch(/^- \S+ ".+" skipped/m);
    // The log ends with what happened.
    expect(run.stdout.trimEnd().split('\n').pop()).toBe(
      `🧪 test message — ${TARGET_TYPES.length} sent, 0 failed, 0 skipped`,
    );
  });

  it('test: true on GitHub does the same, and says so in the summary', async () => {
    const v = await startVendors();
    const run = await runDist({
      env: githubEnv({ INPUT_TEST: 'true', INPUT_CONFIG: configFile('github', v.targets), INPUT_STATUS: 'success' }),
    });
    expect(run.code).toBe(0);
    for (const [type, server] of Object.entries(v.servers)) {
      expect({ type, marked: marked(server, testTitle(type)) }).toEqual({ type, marked: 1 });
    }
    expect(v.smtp.mails).toHaveLength(1);
    expect(v.hook.requests[0]!.headers['x-workflow-notify-test']).toBe('true');
    expect(linesOf(run)).toHaveLength(TARGET_TYPES.length);
    expect(run.summary).toContain(`### 🧪 test message — ${TARGET_TYPES.length} sent, 0 failed, 0 skipped`);
    expect(JSON.parse(run.outputs.results!).map((r: { state: string }) => r.state)).toEqual(
      TARGET_TYPES.map(() => 'sent'),
    );
  });

  it('fails (exit 1) when one target fails, without fail-on-error; refused app credentials are one clear line', async () => {
    const v = await startVendors();
    const targets = v.targets.map((t) => {
      if (t.type === 'slack-app') return { ...t, token: 'xoxb-9999-8888-WrongT0kenValue' };
      if (t.type === 'feishu-app') return { ...t, 'app-secret': 'wrongFeishuAppSecret-0000000000' };
      return t;
    });
    const run = await runDist({ argv: ['test', '--config', configFile('failing', targets)] });
    expect(run.code).toBe(1);
    // A failed test is an error, not a warning: the run fails whatever fail-on-error says.
    expect(linesOf(run).filter((l) => l.includes('✗'))).toEqual([
      'error: ✗ feishu-app "t-feishu-app" failed: Feishu app authentication rejected the message (10014 app secret invalid): check app-id and app-secret',
      'error: ✗ slack-app "t-slack-app" failed: Slack refused chat.postMessage (invalid_auth): the token is not valid: set token to the Bot User OAuth Token (xoxb-…)',
    ]);
    expect(linesOf(run).filter((l) => l.startsWith('✓ '))).toHaveLength(TARGET_TYPES.length - 2);
    expect(run.stdout + run.stderr).not.toContain('WrongT0kenValue');
    expect(run.stdout + run.stderr).not.toContain('wrongFeishuAppSecret');
    // The others still got theirs.
    expect(marked(v.servers.discord!, testTitle('discord'))).toBe(1);
  });

  it('in zh-CN the title is [测试] …', async () => {
    const v = await startVendors();
    const targets = v.targets
      .filter((t) => t.type === 'discord' || t.type === 'email')
      .map((t) => ({ ...t, language: 'zh-CN' }));
    const run = await runDist({ argv: ['test', '--config', configFile('zh', targets)] });
    expect(run.code).toBe(0);
    expect(marked(v.servers.discord!, '[测试] workflow-notify 可以送达 "t-discord"')).toBe(1);
    expect(v.smtp.mails.map((m) => m.mail.subject)).toEqual(['[测试] workflow-notify 可以送达 "t-email"']);
  });
});
