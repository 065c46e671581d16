// Slack incoming webhook: fallback text, a header block, and an attachment coloured by status
// holding the facts, stages, commit, error and a button. The answer is the text `ok`.
import { judgeHttp } from '../http.js';
import type { Message, Tone } from '../message/index.js';
import { commitLine, errorLine, stageLines, type Dialect } from '../message/markdown.js';
import { codePoints, truncateTo } from '../message/truncate.js';
import { JSON_HEADERS, option, type HttpDriver, type TargetMeta, withCode } from './types.js';

/** Slack mrkdwn: the three characters Slack asks to escape (this also defuses `<!channel>`). */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const SLACK_SECTION_LIMIT = 3000;
const HEADER_LIMIT = 150;
const FIELD_LIMIT = 2000;
const COLOURS: Record<Tone, string> = { success: '#2eb886', failure: '#e01e5a', warning: '#ecb22e', info: '#1d9bd1' };

const slackDialect: Dialect = {
  escape: escapeSlack,
  bold: (text) => `*${text}*`,
  link: (text, url) => (/^https?:\/\//i.test(url) ? `<${url.replace(/[|>\s]/g, encodeURIComponent)}|${text}>` : text),
  bullet: '',
};

const HINTS: Record<string, string> = {
  invalid_payload: 'Slack could not read the message',
  invalid_blocks: 'Slack refused the blocks',
  no_service: 'the webhook address is wrong, or the app or webhook was removed',
  no_team: 'the workspace of this webhook no longer exists',
  team_disabled: 'the workspace of this webhook is disabled',
  channel_not_found: "the webhook's channel no longer exists",
  channel_is_archived: "the webhook's channel is archived",
  action_prohibited: "a workspace admin restricted posting to the webhook's channel",
  posting_to_general_channel_denied: 'only admins may post to this channel',
};

/** The message as Slack shows it: fallback text, header blocks, and a coloured attachment. */
export interface SlackBody {
  text: string;
  blocks: unknown[];
  attachments: { color: string; blocks: unknown[] }[];
}

/** One builder for the webhook and the app: the same blocks, mentions as `<@U…>`. */
export function slackBody(message: Message): { body: SlackBody; warnings: string[] } {
  const { mentions } = message;
  const section = (text: string) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: truncateTo(text, SLACK_SECTION_LIMIT, message.texts.truncated, codePoints) },
  });
  const tags = [...(mentions.all ? ['<!channel>'] : []), ...mentions.ids.map((id) => `<@${id}>`)];
  const warnings = [
    ...mentions.unresolved.map((who) => `cannot mention ${who}: the member has no slack id`),
    ...[...mentions.emails, ...mentions.mobiles].map(
      (who) => `cannot mention ${who}: Slack mentions by member id (U…)`,
    ),
  ];
  const details: unknown[] = [];
  if (message.body) {
    details.push(section(message.body(escapeSlack)));
  } else if (message.facts.length) {
    details.push({
      type: 'section',
      fields: message.facts.slice(0, 10).map((fact) => ({
        type: 'mrkdwn',
        text: truncateTo(
          `*${escapeSlack(fact.label)}*\n${escapeSlack(fact.value)}`,
          FIELD_LIMIT,
          message.texts.truncated,
          codePoints,
        ),
      })),
    });
  }
  if (!message.body) {
    const stages = stageLines(message, slackDialect).join('\n');
    if (stages) details.push(section(stages));
    const commit = commitLine(message, slackDialect);
    if (commit) details.push(section(commit));
    const error = errorLine(message, slackDialect);
    if (error) details.push(section(error));
  }
  if (/^https?:\/\//i.test(message.url)) {
    details.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: message.texts.clickForMore }, url: message.url }],
    });
  }
  const blocks: unknown[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncateTo(message.title, HEADER_LIMIT, '…', codePoints), emoji: true },
    },
  ];
  if (tags.length) blocks.push(section(tags.join(' ')));
  const body: SlackBody = {
    text: `${escapeSlack(message.title)}${tags.length ? ` ${tags.join(' ')}` : ''}`,
    blocks,
    attachments: [{ color: COLOURS[message.tone], blocks: details }],
  };
  return { body, warnings };
}

export const slackDeclaration: TargetMeta = {
  type: 'slack',
  summary: 'Slack channel (incoming webhook)',
  fields: {
    webhook: {
      kind: 'url',
      secret: true,
      required: true,
      description: 'The incoming webhook address, https://hooks.slack.com/services/… (a credential).',
    },
  },
  mentions: { field: 'slack', by: [] },
};

export const slack: HttpDriver = /* @__PURE__ */ withCode<HttpDriver>(slackDeclaration, {
  kind: 'http',
  build({ target, message }) {
    const { body, warnings } = slackBody(message);
    return {
      requests: [
        { method: 'POST', url: option(target, 'webhook'), headers: { ...JSON_HEADERS }, body: JSON.stringify(body) },
      ],
      warnings,
    };
  },
  check(response) {
    const judged = judgeHttp(response);
    const text = response.text.trim();
    if (judged.ok) {
      return text === 'ok'
        ? judged
        : { ok: false, retryable: false, message: `Slack answered "${text.slice(0, 80)}" instead of ok` };
    }
    const hint = HINTS[text];
    return hint ? { ...judged, message: `Slack rejected the message (${response.status} ${text}): ${hint}` } : judged;
  },
});
