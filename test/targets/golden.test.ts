// Golden files: the exact requests of every target for a few coherent runs (passed; failed with
// the deploy skipped; just started, in Chinese). A change to a vendor body shows up as a diff of
// test/targets/golden/<type>.json that reads as intent. How each status looks (icon, colour,
// words) is pinned once for all statuses in test/targets/status-look.test.ts.
import { describe, expect, it } from 'vitest';
import { TARGET_TYPES, type TargetType } from '../../src/config/schema.js';
import { preview } from '../../src/deliver.js';
import { ALL_TARGETS } from '../helpers/targets.js';
import { fixtureContext, fixtureInput, fixtureTarget } from '../helpers/fixtures.js';

const CONFIGS: Record<TargetType, Parameters<typeof fixtureTarget>[0]> = {
  dingtalk: {
    type: 'dingtalk',
    webhook: 'https://oapi.dingtalk.com/robot/send?access_token=TOKEN',
    secret: 'SECsecret',
    at: ['$bob', 'manager_x'],
  },
  feishu: {
    type: 'feishu',
    webhook: 'https://open.feishu.cn/open-apis/bot/v2/hook/HOOK',
    secret: 'secret',
    at: ['$ann'],
  },
  'feishu-app': {
    type: 'feishu-app',
    appId: 'cli_app',
    appSecret: 'APPSECRET',
    receivers: ['oc_ops', 'email:ann@corp.example'],
  },
  'dingtalk-app': {
    type: 'dingtalk-app',
    appKey: 'dingappkey',
    appSecret: 'APPSECRET',
    robotCode: 'dingappkey',
    receivers: ['$ann', '$bob', '13800000009', 'chat:cidOps=='],
  },
  'slack-app': {
    type: 'slack-app',
    token: 'xoxb-TOKEN',
    receivers: ['C0OPS', '$ann', 'dev@corp.example', 'U0BOB'],
    at: ['$ann'],
  },
  wecom: { type: 'wecom', webhook: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY', at: ['$ann', '$bob'] },
  'wecom-app': {
    type: 'wecom-app',
    corpId: 'ww_corp',
    agentId: '1000002',
    appSecret: 'APPSECRET',
    receivers: ['$ann', '$bob', 'lead@corp.example'],
  },
  teams: {
    type: 'teams',
    webhook: 'https://example.logic.azure.com/workflows/ID/triggers/manual/paths/invoke?sig=SIG',
    at: ['$ann'],
  },
  slack: { type: 'slack', webhook: 'https://hooks.slack.com/services/T/B/X', at: ['$ann'] },
  discord: { type: 'discord', webhook: 'https://discord.com/api/webhooks/1/TOKEN', at: ['$ann'] },
  telegram: {
    type: 'telegram',
    token: '123:TOKEN',
    receivers: ['-1001234567890', '@acme_releases'],
    at: ['123456789'],
  },
  'google-chat': {
    type: 'google-chat',
    webhook: 'https://chat.googleapis.com/v1/spaces/SPACE/messages?key=KEY&token=TOKEN',
    at: ['106412993344872104545', 'all'],
  },
  mattermost: {
    type: 'mattermost',
    webhook: 'https://mm.example.com/hooks/HOOK',
    channel: 'ci',
    at: ['ann.lee', 'all'],
  },
  email: {
    type: 'email',
    smtp: 'smtp://bot:pass@smtp.example.com:587',
    from: 'ci@acme.example',
    to: ['ops@acme.example', '$creator'],
  },
  webhook: { type: 'webhook', webhook: 'https://hooks.example.com/zadig', secret: 'secret' },
};

const T = (iso: string) => Date.parse(iso) / 1000;

/** A few coherent runs: what each looks like is what it is (a passed run shows passed jobs). */
const SCENARIOS = {
  /** Everything passed: build, both tests, deploy. */
  passed: {
    status: 'passed',
    language: 'en',
    context: () => {
      const ctx = fixtureContext({ status: 'passed' });
      for (const job of ctx.stages.flatMap((s) => s.jobs)) Object.assign(job, { status: 'passed', error: '' });
      ctx.stages.push(deployStage('passed'));
      return ctx;
    },
  },
  /** A test failed, so the deploy was skipped. */
  failed: {
    status: 'failed',
    language: 'en',
    context: () => {
      const ctx = fixtureContext();
      ctx.stages.push(deployStage('skipped'));
      return ctx;
    },
  },
  /** The run has just started, reported in Chinese. */
  'started-zh-CN': {
    status: 'created',
    language: 'zh-CN',
    context: () => {
      const ctx = fixtureContext({ status: 'created' });
      ctx.stages = [{ name: 'build', jobs: [{ ...ctx.stages[0]!.jobs[0]!, status: 'running', endTime: 0 }] }];
      return ctx;
    },
  },
} as const;

function deployStage(status: string) {
  const ran = status !== 'skipped';
  return {
    name: 'deploy',
    jobs: [
      {
        name: 'deploy',
        displayName: 'deploy',
        type: 'github-actions',
        status,
        startTime: ran ? T('2026-11-20T08:04:10Z') : 0,
        endTime: ran ? T('2026-11-20T08:04:50Z') : 0,
        error: '',
      },
    ],
  };
}

function render(type: TargetType) {
  return Object.fromEntries(
    Object.entries(SCENARIOS).map(([name, scenario]) => {
      const target = fixtureTarget({ ...CONFIGS[type]!, language: scenario.language });
      const input = fixtureInput(target, scenario.status, scenario.context());
      const shown = preview({ target, definition: ALL_TARGETS[type]!, events: [scenario.status], input });
      const requests = shown.requests.map((r) => ({
        method: r.method,
        url: r.url,
        headers: r.headers,
        body: r.body ? JSON.parse(r.body) : undefined,
      }));
      return [name, { requests, lines: shown.lines, warnings: shown.warnings }];
    }),
  );
}

describe('golden requests', () => {
  it.each(TARGET_TYPES)('%s', async (type) => {
    await expect(`${JSON.stringify(render(type), null, 2)}\n`).toMatchFileSnapshot(`golden/${type}.json`);
  });
});
