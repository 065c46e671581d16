// Golden files: the exact requests of every target, for each status, in both languages.
// A change to a vendor body shows up as a diff of test/targets/golden/*.json.
import { describe, expect, it } from 'vitest';
import { TARGET_TYPES, type TargetType } from '../../src/config/schema.js';
import { preview } from '../../src/deliver.js';
import { ALL_TARGETS } from '../../src/targets/index.js';
import { fixtureInput, fixtureTarget } from '../helpers/fixtures.js';

const STATUSES = ['created', 'passed', 'failed', 'timeout', 'cancelled', 'wait_for_approval'];

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

function render(type: TargetType, language: 'en' | 'zh-CN') {
  return Object.fromEntries(
    STATUSES.map((status) => {
      const input = fixtureInput(fixtureTarget({ ...CONFIGS[type]!, language }), status);
      const shown = preview({ target: input.target, definition: ALL_TARGETS[type]!, events: [status], input });
      const requests = shown.requests.map((r) => ({
        method: r.method,
        url: r.url,
        headers: r.headers,
        body: r.body ? JSON.parse(r.body) : undefined,
      }));
      return [status, { requests, lines: shown.lines, warnings: shown.warnings }];
    }),
  );
}

describe('golden requests', () => {
  it.each(TARGET_TYPES.flatMap((type) => [[type, 'en'] as const, [type, 'zh-CN'] as const]))(
    '%s in %s',
    async (type, language) => {
      await expect(`${JSON.stringify(render(type, language), null, 2)}\n`).toMatchFileSnapshot(
        `golden/${type}.${language}.json`,
      );
    },
  );
});
