// Mattermost incoming webhook: `text` (title and mentions) plus one attachment coloured by status
// with the facts as fields. Mattermost does not render Slack blocks, and it pings @-mentions (and
// Slack's <!channel>) in attachment text and fields too, so pipeline data is neutralised everywhere.
import { judgeHttp, type HttpResponse, type Outcome } from '../http.js';
import type { Tone } from '../message/index.js';
import {
  commitLine,
  details,
  errorLine,
  fencedCode,
  markdownDialect,
  safeUrl,
  stageLines,
} from '../message/markdown.js';
import { codePoints, truncateTo } from '../message/truncate.js';
import { escapeChatMarkdown } from './chat-markdown.js';
import { JSON_HEADERS, option, parseBody, type HttpDriver, type TargetMeta, withCode } from './types.js';

const ZWSP = '\u200b';

/** Markdown text: markup escaped, `<` as an entity, and every `@` broken so that it pings no one. */
export function escapeMattermost(text: string): string {
  return escapeChatMarkdown(text).replace(/@/g, `@${ZWSP}`);
}

/** Plain-text fields (fallback, titles): `<` and `@` broken, nothing else changed. */
export function neutraliseMattermost(text: string): string {
  return text.replace(/</g, `<${ZWSP}`).replace(/@/g, `@${ZWSP}`);
}

/** Characters of one post; a longer message would be split into several posts. */
export const MATTERMOST_LIMIT = 16_383;
const COLOURS: Record<Tone, string> = { success: '#3db887', failure: '#d24b4e', warning: '#ffbc1f', info: '#1c58d9' };
/** Mattermost usernames: lower-case letters, digits, `.`, `-` and `_`. */
const USERNAME = /^[a-z][a-z0-9._-]{2,21}$/i;

const HINTS: Record<string, string> = {
  'web.incoming_webhook.invalid.app_error': 'the webhook address is wrong, or the webhook was deleted',
  'web.incoming_webhook.disabled.app_error': 'incoming webhooks are disabled on this server (System Console)',
  'web.incoming_webhook.channel.app_error': 'the channel does not exist: check channel',
  'web.incoming_webhook.channel_locked.app_error': 'this webhook may post only to its own channel: remove channel',
  'web.incoming_webhook.permissions.app_error': "the webhook's creator cannot post to that channel",
  'web.incoming_webhook.user.app_error': "the webhook's creator no longer exists",
};

export const mattermostDeclaration: TargetMeta = {
  type: 'mattermost',
  summary: 'Mattermost channel (incoming webhook)',
  fields: {
    webhook: {
      kind: 'url',
      secret: true,
      required: true,
      description: 'The incoming webhook address, https://<server>/hooks/<id> (a credential).',
    },
    channel: {
      kind: 'text',
      description: "Post to this channel (its name, e.g. town-square) or @user instead of the webhook's own.",
    },
    username: { kind: 'text', description: 'The name to post as (when the server allows overrides).' },
    'icon-url': { kind: 'url', description: 'The picture to post with (when the server allows overrides).' },
  },
  mentions: { field: 'mattermost', by: [] },
};

export const mattermost: HttpDriver = /* @__PURE__ */ withCode<HttpDriver>(mattermostDeclaration, {
  kind: 'http',
  build({ target, message }) {
    const { mentions } = message;
    // Inside a code block escapes would show as typed: only `<` and `@` are broken there (no ping).
    const d = {
      ...markdownDialect(escapeMattermost, ''),
      code: (lines: readonly string[]) => fencedCode(lines, neutraliseMattermost),
    };
    const usernames = [
      ...mentions.ids,
      ...mentions.emails.filter((e) => e.startsWith('@')).map((e) => e.slice(1)),
    ].filter((name) => USERNAME.test(name));
    const warnings = [
      ...mentions.unresolved.map((who) => `cannot mention ${who}: the member has no mattermost username`),
      ...mentions.ids
        .filter((id) => !USERNAME.test(id))
        .map((id) => `cannot mention "${id}": not a Mattermost username; left out`),
      ...[...mentions.emails.filter((e) => !e.startsWith('@')), ...mentions.mobiles].map(
        (who) => `cannot mention ${who}: Mattermost mentions by username`,
      ),
    ];
    const tags = [...(mentions.all ? ['@channel'] : []), ...usernames.map((name) => `@${name}`)];
    const text = [`#### ${escapeMattermost(message.title)}`, tags.join(' ')].filter(Boolean).join('\n');
    // A custom message replaces the facts too.
    const fields = (message.body ? [] : message.facts).map((fact) => ({
      short: true,
      title: neutraliseMattermost(fact.label),
      value: escapeMattermost(fact.value),
    }));
    const link = safeUrl(message.url) ? { title: message.texts.clickForMore, title_link: message.url } : {};
    const fallback = neutraliseMattermost(message.title);
    const used =
      codePoints(text) +
      codePoints(fallback) +
      codePoints(link.title ?? '') +
      fields.reduce((n, f) => n + codePoints(f.title) + codePoints(f.value), 0);
    const more = details(message, escapeMattermost, () =>
      [...stageLines(message, d), commitLine(message, d), errorLine(message, d)].filter(Boolean).join('\n'),
    );
    const attachment = {
      fallback,
      color: COLOURS[message.tone],
      ...link,
      text: truncateTo(more, Math.max(0, MATTERMOST_LIMIT - used), message.texts.truncated, codePoints),
      fields,
    };
    const overrides = Object.fromEntries(
      [
        ['channel', option(target, 'channel')],
        ['username', option(target, 'username')],
        ['icon_url', option(target, 'icon-url')],
      ].filter(([, value]) => value),
    );
    const body = { ...overrides, text, attachments: [attachment] };
    return {
      requests: [
        { method: 'POST', url: option(target, 'webhook'), headers: { ...JSON_HEADERS }, body: JSON.stringify(body) },
      ],
      warnings,
    };
  },
  check(response: HttpResponse): Outcome<HttpResponse> {
    const judged = judgeHttp(response);
    if (judged.ok) {
      return response.text.trim() === 'ok'
        ? judged
        : { ok: false, retryable: false, message: `Mattermost answered "${response.text.slice(0, 80)}" instead of ok` };
    }
    const body = parseBody(response);
    const id = typeof body?.id === 'string' ? body.id : undefined;
    if (!id) return judged;
    const hint = HINTS[id];
    return {
      ...judged,
      // A refusal with a reason (a disabled feature answers 501) is not retried.
      retryable: judged.retryable && !hint,
      message: `Mattermost rejected the message (${response.status} ${id}: ${String(body?.message ?? '')})${hint ? `: ${hint}` : ''}`,
      code: id,
    };
  },
});
