// Pipeline values are data for every target: quotes, newlines, {{ }}, mention tokens and HTML
// neither break a body nor mention anyone nor get evaluated — with the default message and with
// a user template.
import { describe, expect, it } from 'vitest';
import { TARGET_TYPES, type TargetType } from '../../src/config/schema.js';
import { preview } from '../../src/deliver.js';
import { loadTemplateEngine, templateData } from '../../src/message/template.js';
import { texts } from '../../src/message/i18n.js';
import { ALL_TARGETS } from '../helpers/targets.js';
import { fixtureContext, fixtureInput, fixtureTarget } from '../helpers/fixtures.js';

const HOSTILE = `Fix "q" 'a' \\ {{workflow.status}} }} {{#each x}} <!channel> <!here> @everyone @here <at id=all></at> <at email=x@y></at> <@U0ANN> <@80351110224678912> <script>alert(1)</script> <b>bold</b> [x](https://evil.example)`;

const FIELDS: Record<TargetType, Parameters<typeof fixtureTarget>[0]> = {
  dingtalk: { type: 'dingtalk', webhook: 'https://oapi.dingtalk.com/robot/send?access_token=T' },
  feishu: { type: 'feishu', webhook: 'https://open.feishu.cn/open-apis/bot/v2/hook/H' },
  'feishu-app': { type: 'feishu-app', appId: 'cli', appSecret: 'S', receivers: ['oc_1'] },
  'dingtalk-app': { type: 'dingtalk-app', appKey: 'k', appSecret: 'S', robotCode: 'k', receivers: ['u1', 'chat:c1'] },
  'slack-app': { type: 'slack-app', token: 'xoxb-T', receivers: ['C1', 'U0ANN'] },
  wecom: { type: 'wecom', webhook: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K' },
  'wecom-app': { type: 'wecom-app', corpId: 'ww1', agentId: '1000002', appSecret: 'S', receivers: ['u1'] },
  teams: { type: 'teams', webhook: 'https://x.logic.azure.com/workflows/1/triggers/manual/paths/invoke?sig=S' },
  slack: { type: 'slack', webhook: 'https://hooks.slack.com/services/T/B/X' },
  discord: { type: 'discord', webhook: 'https://discord.com/api/webhooks/1/T' },
  telegram: { type: 'telegram', token: '1:T', receivers: ['-1001234567890'] },
  'google-chat': { type: 'google-chat', webhook: 'https://chat.googleapis.com/v1/spaces/S/messages?key=K&token=T' },
  mattermost: { type: 'mattermost', webhook: 'https://mm.example.com/hooks/H' },
  email: { type: 'email', smtp: 'smtp://u:p@smtp.example.com:587', to: ['ops@acme.example'] },
  webhook: { type: 'webhook', webhook: 'https://hooks.example.com/z' },
};

function hostileContext() {
  const ctx = fixtureContext({ remark: HOSTILE, ref: HOSTILE });
  ctx.repo.commitMessage = `${HOSTILE}\n${HOSTILE}`;
  ctx.repo.branch = HOSTILE;
  ctx.stages[1]!.jobs[0]!.displayName = HOSTILE;
  ctx.stages[1]!.jobs[0]!.error = HOSTILE;
  return ctx;
}

/** The text a vendor would act on: every request body, and a dry run's lines (email). */
async function render(type: TargetType, template: boolean) {
  const input = fixtureInput(fixtureTarget(FIELDS[type]!), 'failed', hostileContext());
  if (template) {
    const engine = await loadTemplateEngine();
    const prepared = engine.prepare(
      'message',
      'Remark: {{workflow.remark}} / {{workflow.error}}',
      templateData(input.payload, texts('en'), {}, 0),
      texts('en'),
    );
    if ('render' in prepared) input.message.body = prepared.render;
  }
  const shown = preview({ target: input.target, definition: ALL_TARGETS[type]!, events: ['failed'], input });
  return {
    // A GET (wecom-app's gettoken) has no body.
    bodies: shown.requests.flatMap((r) => (r.body === undefined ? [] : [r.body])),
    lines: shown.lines.join('\n'),
    html: type === 'email' ? (await import('../../src/targets/email.js')).emailHtml(input.message) : '',
  };
}

describe.each([false, true])('hostile pipeline values (user template: %s)', (template) => {
  it.each(TARGET_TYPES)('%s: valid JSON, no mention, nothing evaluated', async (type) => {
    const { bodies, lines, html } = await render(type, template);
    for (const body of bodies) expect(() => JSON.parse(body)).not.toThrow();
    const all = bodies.join('\n');
    // A template in the data is printed, never run.
    expect(`${all}${lines}`).toContain('{{workflow.status}}');
    switch (type) {
      case 'slack':
      case 'slack-app':
        expect(all).not.toMatch(/<!channel>|<!here>|<@U0ANN>/);
        break;
      case 'dingtalk-app':
        for (const body of bodies.slice(1)) {
          const param = JSON.parse(JSON.parse(body).msgParam);
          expect(param.text).not.toContain('<script>');
          expect(param.text).toContain('&lt;script&gt;');
        }
        break;
      case 'discord':
        expect(JSON.parse(bodies[0]!).allowed_mentions).toEqual({ parse: [], users: [] });
        expect(JSON.parse(bodies[0]!).content).toBe('');
        expect(all).not.toMatch(/[^\\\u200b]@everyone/);
        break;
      case 'feishu':
      case 'feishu-app':
        expect(all).not.toMatch(/<at (id|email)=/);
        break;
      case 'wecom':
        expect(bodies).toHaveLength(1);
        expect(all).not.toContain('<@U0ANN>');
        break;
      case 'wecom-app':
        expect(JSON.parse(bodies[0]!).touser).toBe('u1');
        expect(all).not.toContain('<@U0ANN>');
        break;
      case 'dingtalk':
        expect(JSON.parse(bodies[0]!).at).toBeUndefined();
        expect(all).not.toContain('<script>');
        break;
      case 'teams':
        expect(JSON.parse(bodies[0]!).attachments[0].content.msteams.entities).toEqual([]);
        expect(all).not.toContain('<at id=all>');
        break;
      case 'telegram':
        expect(all).not.toMatch(/<b>bold|<script|<at |@(?!\u200b)/);
        break;
      case 'google-chat':
        expect(JSON.parse(bodies[0]!).text).not.toMatch(/<users\//);
        expect(all).not.toMatch(/<b>bold|<script|<at /);
        break;
      case 'mattermost':
        expect(all).not.toMatch(/<!channel>|<!here>|<@U0ANN>|@(?!\u200b)/);
        break;
      case 'email':
        expect(html).not.toMatch(/<script>|<b>bold/);
        expect(html).toContain('&lt;script&gt;');
        break;
      case 'webhook':
        // The payload carries the data exactly.
        expect(JSON.parse(bodies[0]!).workflow.remark).toBe(HOSTILE);
        break;
    }
  });
});
