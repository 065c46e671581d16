// Discord webhook with ?wait=true (so the answer confirms the message): an embed coloured by
// status, and allowed_mentions naming exactly the configured users (SPEC §9.19).
import { judgeHttp } from '../http.js';
import { parseAddress } from '../config/fields.js';
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
import { JSON_HEADERS, option, parseBody, type HttpDriver, type TargetMeta, withCode } from './types.js';

const ZWSP = '\u200b';

/** Discord markdown: backslash escapes, and `@` broken so that `@everyone` stays text. */
export function escapeDiscord(text: string): string {
  return text.replace(/([\\`*_~|[\]()<>#-])/g, '\\$1').replace(/@/g, `@${ZWSP}`);
}

/** Discord user ids are snowflakes: 17 to 20 digits. */
const SNOWFLAKE = /^\d{17,20}$/;

export const DISCORD_LIMITS = {
  content: 2000,
  title: 256,
  description: 4096,
  fields: 25,
  name: 256,
  value: 1024,
  total: 6000,
};
const COLOURS: Record<Tone, number> = { success: 0x2eb67d, failure: 0xe01e5a, warning: 0xecb22e, info: 0x1d9bd1 };

export function waitUrl(webhook: string): string {
  const url = new URL(webhook);
  url.searchParams.set('wait', 'true');
  return url.toString();
}

export const discordDeclaration: TargetMeta = {
  type: 'discord',
  summary: 'Discord channel (webhook)',
  fields: {
    webhook: {
      kind: 'url',
      secret: true,
      required: true,
      description: 'The webhook address, https://discord.com/api/webhooks/<id>/<token> (a credential).',
    },
  },
  mentions: { field: 'discord', by: [] },
  validate(options) {
    const url = parseAddress(String(options.webhook ?? ''));
    return url && !/\/webhooks\/\d+\/[^/]+/.test(url.pathname)
      ? [{ field: 'webhook', problem: 'expected a Discord webhook address: …/api/webhooks/<id>/<token>' }]
      : [];
  },
};

export const discord: HttpDriver = /* @__PURE__ */ withCode<HttpDriver>(discordDeclaration, {
  kind: 'http',
  build({ target, message }) {
    // In a code block backslashes would show: only `@` is broken there (and fences), never a ping.
    const d = {
      ...markdownDialect(escapeDiscord),
      code: (lines: readonly string[]) => fencedCode(lines, (line) => line.replace(/@/g, '@\u200b')),
    };
    const { mentions } = message;
    // One id that is not a snowflake makes Discord refuse the whole message (50035).
    const ids = mentions.ids.filter((id) => SNOWFLAKE.test(id));
    const badIds = mentions.ids.filter((id) => !SNOWFLAKE.test(id));
    const cut = (text: string, max: number) => truncateTo(text, max, message.texts.truncated, codePoints);
    const warnings = [
      ...mentions.unresolved.map((who) => `cannot mention ${who}: the member has no discord id`),
      ...[...mentions.emails, ...mentions.mobiles].map((who) => `cannot mention ${who}: Discord mentions by user id`),
      ...badIds.map((id) => `cannot mention "${id}": a Discord user id is 17 to 20 digits; left out`),
    ];
    const title = cut(message.title, DISCORD_LIMITS.title);
    const fields = (message.body ? [] : message.facts).slice(0, DISCORD_LIMITS.fields).map((fact) => ({
      name: cut(fact.label, DISCORD_LIMITS.name),
      value: cut(escapeDiscord(fact.value), DISCORD_LIMITS.value),
      inline: true,
    }));
    const used = codePoints(title) + fields.reduce((n, f) => n + codePoints(f.name) + codePoints(f.value), 0);
    const text = details(message, escapeDiscord, () =>
      [...stageLines(message, d), commitLine(message, d), errorLine(message, d)].filter(Boolean).join('\n'),
    );
    const description = cut(text, Math.min(DISCORD_LIMITS.description, DISCORD_LIMITS.total - used));
    const embed: Record<string, unknown> = { title, description, color: COLOURS[message.tone], fields };
    if (safeUrl(message.url)) embed.url = message.url;
    const tags = [...(mentions.all ? ['@everyone'] : []), ...ids.map((id) => `<@${id}>`)];
    const body = {
      content: cut(tags.join(' '), DISCORD_LIMITS.content),
      embeds: [embed],
      allowed_mentions: { parse: mentions.all ? ['everyone'] : [], users: ids },
    };
    return {
      requests: [
        {
          method: 'POST',
          url: waitUrl(option(target, 'webhook')),
          headers: { ...JSON_HEADERS },
          body: JSON.stringify(body),
        },
      ],
      warnings,
    };
  },
  reference([answer]) {
    const id = answer ? parseBody(answer)?.id : undefined;
    return typeof id === 'string' && SNOWFLAKE.test(id) ? { id } : undefined;
  },
  edit(input) {
    const id = (input.previousRef as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string' || !SNOWFLAKE.test(id)) return undefined;
    const [post] = discord.build(input).requests;
    if (!post) return undefined;
    const url = new URL(option(input.target, 'webhook'));
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/messages/${id}`;
    url.searchParams.delete('wait');
    return { ...post, method: 'PATCH', url: url.toString() };
  },
  gone(response) {
    const code = parseBody(response)?.code;
    if (code === 10008) return 'Discord no longer has it (10008 Unknown Message)';
    if (code === 30046) return 'Discord allows no more edits to a message older than an hour (30046)';
    return undefined;
  },
  check(response) {
    const judged = judgeHttp(response);
    if (judged.ok) return judged;
    const body = parseBody(response);
    // Discord's 429 names the wait in the body, in seconds (with a fraction).
    const retryAfter = typeof body?.retry_after === 'number' ? Math.ceil(body.retry_after * 1000) : judged.retryAfterMs;
    const code = body?.code;
    const hints: Record<number, string> = {
      10015: 'the webhook was deleted or the address is wrong',
      50027: 'the token in the webhook address is wrong',
      50035: 'Discord refused the message as malformed',
    };
    const hint = typeof code === 'number' ? hints[code] : undefined;
    const message =
      typeof code === 'number'
        ? `Discord rejected the message (${code} ${String(body?.message ?? '')})${hint ? `: ${hint}` : ''}`
        : judged.message;
    return { ...judged, message, retryAfterMs: retryAfter };
  },
});
