// The secrets audit: distinctive secret values through every target and every failure path,
// on GitHub and on GitLab, normal and debug. None may appear in stdout, stderr, the outputs, the
// summary or any error text. (On GitHub, `::add-mask::` lines hand the runner the values to
// hide; GitLab must never see one.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { example } from '../helpers/examples.js';
import { gitlabEnv, startGitLabApi } from '../helpers/gitlab-api.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { githubEnv, runDist, type RunResult } from '../helpers/run-dist.js';
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

const S = {
  dingtalkToken: 'DDTOKEN7f3a9c1e5b',
  dingtalkSecret: 'SECddSECRET4411',
  feishuHook: 'fshook-SECRET-6a2b',
  feishuSecret: 'FSSECRET8899',
  appSecret: 'APPSECRET5577',
  wecomKey: 'wckey-SECRET-3c4d',
  teamsSig: 'TEAMSSIG2468ace',
  slackToken: 'SLACKSECRET13579',
  discordToken: 'DISCORDSECRET97531',
  webhookToken: 'WHPATHSECRET1122',
  webhookSecret: 'WHSECRET3344',
  authHeader: 'BEARERSECRET5566',
  smtpPassword: 'SMTPPASS7788',
  githubToken: 'ghs_GHTOKENSECRET9900',
  gitlabToken: 'glpat-GLTOKENSECRET0011',
};

let servers: { close(): Promise<void> }[] = [];
let v: {
  dingtalk: Emulator;
  feishu: Emulator;
  app: Emulator;
  wecom: Emulator;
  teams: Emulator;
  slack: Emulator;
  discord: Emulator;
  hook: Receiver;
  smtp: Smtp;
  gitlab: Receiver;
  echo: Receiver;
};

beforeAll(async () => {
  const track = async <T extends { close(): Promise<void> }>(p: Promise<T>) => {
    const s = await p;
    servers.push(s);
    return s;
  };
  v = {
    dingtalk: await track(startDingTalk({ token: S.dingtalkToken, secret: S.dingtalkSecret })),
    feishu: await track(startFeishu({ hook: S.feishuHook, secret: S.feishuSecret })),
    app: await track(startFeishuApp({ appId: 'cli_audit', appSecret: S.appSecret, receivers: { chat_id: ['oc_1'] } })),
    wecom: await track(startWeCom({ key: S.wecomKey })),
    teams: await track(startTeams({ sig: S.teamsSig })),
    slack: await track(startSlack({ path: `/services/T0AAAAAAA/B0BBBBBBB/${S.slackToken}` })),
    discord: await track(startDiscord({ id: '1234567890123456789', token: S.discordToken })),
    hook: await track(startReceiver([{}])),
    smtp: await track(startSmtp()),
    gitlab: await track(
      startGitLabApi({ token: S.gitlabToken, jobs: [{ id: 1, name: 'unit', stage: 'test', status: 'failed' }] }),
    ),
    // A vendor that answers every failure by quoting the request's address and headers back.
    echo: await track(
      startReceiver((r) => ({ status: 400, body: `bad request to ${r.url} with ${JSON.stringify(r.headers)}` })),
    ),
  };
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

/** Every target type; `broken` turns each into a failure the vendor (or the network) reports. */
function targets(broken: boolean): string {
  const bad = (secret: string) => (broken ? `${secret}x` : secret);
  return [
    `- {type: dingtalk, name: dd, webhook: "${v.dingtalk.url}/robot/send?access_token=${S.dingtalkToken}", secret: ${bad(S.dingtalkSecret)}}`,
    `- {type: feishu, name: fs, webhook: "${v.feishu.url}/open-apis/bot/v2/hook/${S.feishuHook}", secret: ${bad(S.feishuSecret)}}`,
    `- {type: feishu-app, name: app, domain: "${v.app.url}", app-id: cli_audit, app-secret: ${bad(S.appSecret)}, receivers: oc_1}`,
    `- {type: wecom, name: wc, webhook: "${v.wecom.url}/cgi-bin/webhook/send?key=${bad(S.wecomKey)}"}`,
    `- {type: teams, name: tm, webhook: "${v.teams.webhook.replace(S.teamsSig, bad(S.teamsSig))}"}`,
    `- {type: slack, name: sl, webhook: "${v.slack.url}/services/T0AAAAAAA/B0BBBBBBB/${bad(S.slackToken)}"}`,
    `- {type: discord, name: dc, webhook: "${v.discord.url}/api/webhooks/1234567890123456789/${bad(S.discordToken)}"}`,
    `- {type: webhook, name: wh, webhook: "${broken ? v.echo.url : v.hook.url}/hook/${S.webhookToken}", secret: ${S.webhookSecret}, headers: {Authorization: "Bearer ${S.authHeader}"}}`,
    `- {type: email, name: em, smtp: "${v.smtp.url('bot', broken ? `${S.smtpPassword}x` : S.smtpPassword).replace('mailPa55word', S.smtpPassword)}", to: ops@acme.example}`,
  ].join('\n');
}

function visible(run: RunResult): string {
  const text = [run.stdout, run.stderr, JSON.stringify(run.outputs), run.summary].join('\n');
  return text
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

function expectNoSecret(run: RunResult): void {
  const text = visible(run);
  for (const [name, secret] of Object.entries(S)) {
    expect(text.includes(secret), `${name} was printed`).toBe(false);
    // Nor its broken variant, nor its URL-encoded form.
    expect(text.includes(encodeURIComponent(secret)), `${name} (encoded) was printed`).toBe(false);
  }
}

const scenarios = [
  ['delivered', { broken: false }],
  ['refused by every vendor', { broken: true }],
  ['dry run', { broken: false, extra: { DRY: 'true' } }],
] as const;

describe.each([
  ['normal', {}],
  ['debug', { RUNNER_DEBUG: '1', CI_DEBUG_TRACE: 'true' }],
])('secrets (%s mode)', (_mode, debug) => {
  it.each(scenarios)('GitHub, %s', async (_name, scenario) => {
    const run = await runDist({
      env: githubEnv({
        ...debug,
        GITHUB_API_URL: v.gitlab.url,
        'INPUT_GITHUB-TOKEN': S.githubToken,
        INPUT_STATUS: 'failure',
        INPUT_TARGETS: targets(scenario.broken),
        'INPUT_DRY-RUN': 'extra' in scenario ? 'true' : undefined,
      }),
      event: example('push'),
    });
    expect(run.code).toBe(0);
    expectNoSecret(run);
    expect(run.stdout).toContain(`::add-mask::${S.dingtalkToken}`);
    if (scenario.broken) expect(JSON.parse(run.outputs.failed!)).toBe(9);
  });

  it.each(scenarios)('GitLab, %s', async (_name, scenario) => {
    const run = await runDist({
      env: gitlabEnv(v.gitlab.url, {
        ...debug,
        NOTIFY_GITLAB_TOKEN: S.gitlabToken,
        NOTIFY_TARGETS: targets(scenario.broken),
        NOTIFY_DRY_RUN: 'extra' in scenario ? 'true' : undefined,
      }),
    });
    expect(run.code).toBe(0);
    expectNoSecret(run);
    expect(run.stdout).not.toContain('::add-mask::');
    if (scenario.broken) expect(run.stdout.split('\n').filter((l) => l.startsWith('warning: ✗'))).toHaveLength(9);
  });

  it('a configuration error names the problem, never the value', async () => {
    const run = await runDist({
      env: githubEnv({
        ...debug,
        INPUT_TARGETS: `- {type: webhook, webhook: "ftp://user:${S.smtpPassword}@x/${S.webhookToken}", secret: ${S.webhookSecret}}\n- {type: slack, webhook: "${v.slack.url}/services/T/B/${S.slackToken}", keyword: x}\n- {type: wecom, webhook: "https://q/${S.wecomKey}", bogus: "${S.authHeader}"}`,
        'INPUT_GITHUB-TOKEN': S.githubToken,
      }),
      event: example('push'),
    });
    expect(run.code).toBe(1);
    expectNoSecret(run);
    expect(run.stdout).toContain('targets[0].webhook: expected an http:// or https:// address');
  });

  it('an unparsable targets YAML quotes no line', async () => {
    const run = await runDist({
      env: gitlabEnv(v.gitlab.url, {
        ...debug,
        NOTIFY_TARGETS: `- type: webhook\n  webhook: "https://x/${S.webhookToken}\n  secret: [${S.webhookSecret}`,
      }),
    });
    expect(run.code).toBe(1);
    expectNoSecret(run);
    expect(run.stdout).toMatch(/^error: {3}targets: not valid YAML \(/m);
  });
});
