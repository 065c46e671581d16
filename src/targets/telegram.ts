// Telegram bot: one sendMessage per receiver (a chat id, @channel, or a member's user id), in
// Telegram's HTML parse mode with link previews off. The target is sent when every receiver got it.
import { judgeHttp, type HttpRequest, type HttpResponse, type Outcome } from '../http.js';
import { bodyLines, details, safeUrl, type Dialect } from '../message/markdown.js';
import { receiverLogins, receiversOutcome, resolveReceivers, shown } from './receivers.js';
import {
  JSON_HEADERS,
  option,
  optionList,
  parseBody,
  type BuildInput,
  type ReceiverResult,
  type SendDriver,
  type SendTools,
  type TargetMeta,
  withCode,
} from './types.js';

/** Who a receiver is: a member's telegram id, or a chat id or @channel as written. */
const RECEIVERS = { field: 'telegram', by: [] } as const;

const ZWSP = '\u200b';

/** Telegram HTML: the four entities it knows, and `@` broken so that no `@username` pings anyone. */
export function escapeTelegram(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/@/g, `@${ZWSP}`);
}

/** Characters of text once Telegram has parsed the entities (UTF-16 units, as Telegram counts). */
export const TELEGRAM_LIMIT = 4096;

/** A tag, an entity, or one character (a whole code point). */
const TOKEN = /<(\/?)([a-z-]+)(?:\s[^>]*)?>|&(?:#\d+|#x[0-9a-f]+|[a-z]+);|[\s\S]/giu;

/** The length Telegram counts: tags take none, an entity is one character. */
export function telegramLength(html: string): number {
  let length = 0;
  for (const [token, , tag] of html.matchAll(TOKEN)) {
    if (tag) continue;
    length += token.length > 1 && token.startsWith('&') ? 1 : token.length;
  }
  return length;
}

/**
 * `html` cut to `max` parsed characters with `marker` after it: at a line when one is near, never
 * inside a tag or an entity, and every tag left open is closed.
 */
export function cutTelegramHtml(html: string, max: number, marker: string): string {
  if (telegramLength(html) <= max) return html;
  const tail = `\n${escapeTelegram(marker)}`;
  const budget = max - telegramLength(tail);
  const open: string[] = [];
  let used = 0;
  let cut = { at: 0, open: [] as string[] };
  let line: typeof cut | undefined;
  for (const match of html.matchAll(TOKEN)) {
    const [token, closing, tag] = match;
    const end = match.index + token.length;
    if (tag) {
      if (closing) {
        open.pop();
        cut = { at: end, open: [...open] };
      } else {
        open.push(tag.toLowerCase());
      }
      continue;
    }
    const size = token.length > 1 && token.startsWith('&') ? 1 : token.length;
    if (used + size > budget) break;
    used += size;
    if (token === '\n') line = { at: match.index, open: [...open] };
    cut = { at: end, open: [...open] };
  }
  const chosen = line && line.at > cut.at / 2 ? line : cut;
  const closeTags = [...chosen.open]
    .reverse()
    .map((tag) => `</${tag}>`)
    .join('');
  return `${html.slice(0, chosen.at).replace(/\s+$/, '')}${closeTags}${tail}`;
}

/** An href: only http(s), with the characters HTML attributes need escaped. */
function href(url: string): string {
  return safeUrl(url).replace(/&/g, '&amp;');
}

const telegramDialect: Dialect = {
  escape: escapeTelegram,
  bold: (text) => `<b>${text}</b>`,
  link: (text, url) => (href(url) ? `<a href="${href(url)}">${text}</a>` : text),
  bullet: '',
  code: (lines) => `<pre>${lines.map(escapeTelegram).join('\n')}</pre>`,
};

/** A chat id (a number, -100… for groups and channels) or a public @channelusername. */
const CHAT = /^(-?\d+|@[A-Za-z][A-Za-z0-9_]{3,31})$/;
/** Telegram user ids are numbers. */
const USER_ID = /^\d+$/;
/** A public @username: Telegram itself pings it in text. */
const USERNAME = /^@[A-Za-z][A-Za-z0-9_]{4,31}$/;

interface Chat {
  /** How the receiver was written, for error lines (chat ids are not secrets). */
  label: string;
  chatId: string;
}

/** The receivers as chat ids: members (`$creator`, `$<login>`, `$committers`) through their telegram field. */
function chats(input: BuildInput): { chats: Chat[]; missing: { entry: string; reason: string }[] } {
  const { receivers, missing } = resolveReceivers(optionList(input.target, 'receivers'), input, RECEIVERS);
  return { chats: receivers.map((r) => ({ label: shown(r), chatId: r.value })), missing };
}

/** The mention line: `tg://user` links named after the member, and public @usernames. */
function mentionLine(input: BuildInput): { html: string; warnings: string[] } {
  const { mentions } = input.message;
  const nameOf = (id: string) => Object.values(input.members).find((member) => member.telegram === id)?.name ?? id;
  const links = mentions.ids
    .filter((id) => USER_ID.test(id))
    .map((id) => `<a href="tg://user?id=${id}">${escapeTelegram(nameOf(id))}</a>`);
  const usernames = mentions.emails.filter((entry) => USERNAME.test(entry));
  const warnings = [
    ...mentions.unresolved.map((who) => `cannot mention ${who}: the member has no telegram id`),
    ...mentions.ids
      .filter((id) => !USER_ID.test(id))
      .map((id) => `cannot mention "${id}": a Telegram user id is a number; left out`),
    ...mentions.emails
      .filter((entry) => !USERNAME.test(entry))
      .map((email) => `cannot mention ${email}: Telegram mentions by user id or @username`),
    ...mentions.mobiles.map((mobile) => `cannot mention ${mobile}: Telegram mentions by user id`),
    ...(mentions.all ? ['cannot mention everyone: Telegram has no mention for a whole chat'] : []),
  ];
  return { html: [...links, ...usernames].join(' '), warnings };
}

/** The message text: title, details and link, cut to fit beside the mentions. */
export function telegramText(input: BuildInput): { text: string; warnings: string[] } {
  const { message } = input;
  const d = telegramDialect;
  const link = href(message.url) ? d.link(escapeTelegram(message.texts.clickForMore), message.url) : '';
  const body = details(message, escapeTelegram, () => bodyLines(message, d).join('\n'));
  const head = [d.bold(escapeTelegram(message.title)), body, link].filter(Boolean).join('\n\n');
  const mentions = mentionLine(input);
  const room = TELEGRAM_LIMIT - (mentions.html ? telegramLength(mentions.html) + 2 : 0);
  const text = [cutTelegramHtml(head, room, message.texts.truncated), mentions.html].filter(Boolean).join('\n\n');
  return { text, warnings: mentions.warnings };
}

/** `sendMessage`, or `editMessageText` of a message this run sent earlier (SPEC §11). */
function sendMessage(input: BuildInput, chatId: string, text: string, messageId?: number): HttpRequest {
  const base = option(input.target, 'api-url').replace(/\/+$/, '');
  return {
    method: 'POST',
    url: `${base}/bot${option(input.target, 'token')}/${messageId ? 'editMessageText' : 'sendMessage'}`,
    headers: { ...JSON_HEADERS },
    body: JSON.stringify({
      chat_id: chatId,
      ...(messageId ? { message_id: messageId } : {}),
      text,
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    }),
  };
}

/** The message this run sent earlier to a chat, from message-refs. */
function earlier(input: BuildInput, chatId: string): number | undefined {
  const refs = Array.isArray(input.previousRef) ? (input.previousRef as Partial<TelegramSent>[]) : [];
  const found = refs.find((ref) => ref && String(ref.chatId) === chatId && Number.isInteger(ref.messageId));
  return found?.messageId;
}

/** An edit that cannot be made: the message is gone (or too old); "not modified" is a success. */
function editGone(response: HttpResponse): string | undefined {
  const description = String(parseBody(response)?.description ?? '');
  if (/message to edit not found|message can't be edited/i.test(description)) return description;
  return undefined;
}

/** One chat: edit what the run sent there earlier when it can, else send a new message. */
async function sendToChat(
  input: BuildInput,
  tools: SendTools,
  chat: Chat,
  text: string,
  warnings: string[],
): Promise<{ outcome: Outcome<TelegramSent>; attempts: number }> {
  const messageId = earlier(input, chat.chatId);
  let attempts = 0;
  if (messageId) {
    let gone: string | undefined;
    const edited = await tools.http(sendMessage(input, chat.chatId, text, messageId), (response) => {
      gone = editGone(response);
      if (gone) return { ok: true, value: { chatId: chat.chatId, messageId } };
      if (/message is not modified/i.test(String(parseBody(response)?.description ?? '')))
        return { ok: true, value: { chatId: chat.chatId, messageId } };
      const checked = checkTelegram(response);
      return checked.ok ? { ok: true, value: { chatId: chat.chatId, messageId } } : checked;
    });
    attempts += edited.attempts;
    if (!gone) return { outcome: edited.outcome, attempts };
    warnings.push(`the earlier message in ${chat.label} cannot be updated (${gone}): a new one is sent`);
  }
  const sent = await tools.http(sendMessage(input, chat.chatId, text), checkTelegram);
  // Kept as the receiver was written (an @channel too), which is how the next step finds it.
  const outcome: Outcome<TelegramSent> = sent.outcome.ok
    ? { ok: true, value: { chatId: chat.chatId, messageId: sent.outcome.value.messageId } }
    : sent.outcome;
  return { outcome, attempts: attempts + sent.attempts };
}

/** What Telegram returned for a sent message: the ids `editMessageText` needs later. */
export interface TelegramSent {
  chatId: string;
  messageId: number;
}

function hint(code: number, description: string): string | undefined {
  if (code === 401 || code === 404)
    return 'the bot token is wrong or was revoked (ask @BotFather), or api-url is wrong';
  if (/chat not found/i.test(description))
    return 'check the chat id; the bot must be in the chat, and a person must have started the bot';
  if (/bot was blocked/i.test(description)) return 'the person blocked the bot';
  if (/not a member|kicked|not enough rights/i.test(description))
    return 'add the bot to the chat (to a channel as an admin that can post)';
  if (/can't parse entities/i.test(description)) return 'the message is not valid Telegram HTML (check message)';
  if (/upgraded to a supergroup/i.test(description)) return 'the group became a supergroup: use its new chat id';
  return undefined;
}

/** Telegram's verdict: `ok: true`; 429 waits `parameters.retry_after` seconds. */
export function checkTelegram(response: HttpResponse): Outcome<TelegramSent> {
  const body = parseBody(response);
  if (typeof body?.ok !== 'boolean') {
    const judged = judgeHttp(response);
    return judged.ok
      ? { ok: false, retryable: false, message: `Telegram answered without ok: ${response.text.slice(0, 120)}` }
      : judged;
  }
  if (body.ok) {
    const result = (body.result ?? {}) as { message_id?: unknown; chat?: { id?: unknown } };
    return { ok: true, value: { chatId: String(result.chat?.id ?? ''), messageId: Number(result.message_id ?? 0) } };
  }
  const code = typeof body.error_code === 'number' ? body.error_code : response.status;
  const description = String(body.description ?? '');
  const parameters = (body.parameters ?? {}) as { retry_after?: unknown; migrate_to_chat_id?: unknown };
  const fix = hint(code, description);
  const migrated = parameters.migrate_to_chat_id === undefined ? '' : ` ${String(parameters.migrate_to_chat_id)}`;
  return {
    ok: false,
    retryable: code === 429 || code >= 500,
    retryAfterMs: typeof parameters.retry_after === 'number' ? parameters.retry_after * 1000 : undefined,
    message: `Telegram rejected the message (${code} ${description})${fix ? `: ${fix}${migrated}` : ''}`,
    code: String(code),
  };
}

export const telegramDeclaration: TargetMeta = {
  type: 'telegram',
  summary: 'Telegram chats, groups and channels (bot)',
  fields: {
    token: { kind: 'text', secret: true, required: true, description: 'The bot token from @BotFather (a credential).' },
    receivers: {
      kind: 'list',
      required: true,
      description: 'Chats to message: chat ids (-100… for groups and channels), @channelusername, $creator, $<login>.',
    },
    'api-url': {
      kind: 'url',
      default: 'https://api.telegram.org',
      description: "The Bot API's base address (a proxy or a local Bot API server).",
    },
  },
  mentions: { field: 'telegram', by: [] },
  validate(options) {
    const receivers = Array.isArray(options.receivers) ? options.receivers.map(String) : [];
    return receivers
      .filter((entry) => !entry.startsWith('$') && !CHAT.test(entry))
      .map((entry) => ({
        field: 'receivers',
        problem: `"${entry}" is not a Telegram chat id (a number such as -1001234567890) or @channelusername`,
      }));
  },
  logins: receiverLogins,
};

export const telegram: SendDriver = /* @__PURE__ */ withCode<SendDriver>(telegramDeclaration, {
  kind: 'send',
  preview(input) {
    const { text, warnings } = telegramText(input);
    const resolved = chats(input);
    return {
      requests: resolved.chats.map((chat) => sendMessage(input, chat.chatId, text, earlier(input, chat.chatId))),
      warnings: [...resolved.missing.map((m) => `${m.entry}: ${m.reason}`), ...warnings],
      lines: [],
    };
  },
  async send(input, tools) {
    const { text, warnings } = telegramText(input);
    const resolved = chats(input);
    const all = [...warnings];
    const sent = await Promise.all(resolved.chats.map((chat) => sendToChat(input, tools, chat, text, all)));
    const receivers: ReceiverResult[] = [
      ...resolved.chats.map((chat, i) => {
        const outcome = sent[i]!.outcome;
        return outcome.ok
          ? { receiver: chat.label, ok: true }
          : { receiver: chat.label, ok: false, error: outcome.message };
      }),
      ...resolved.missing.map((m) => ({ receiver: m.entry, ok: false, error: m.reason })),
    ];
    // Receivers are sent at once: the target took as many rounds as its slowest receiver.
    const attempts = Math.max(0, ...sent.map((s) => s.attempts));
    const refs = sent.flatMap((s) => (s.outcome.ok ? [s.outcome.value] : []));
    const outcome = receiversOutcome(receivers);
    const code = sent.flatMap((s) => (s.outcome.ok ? [] : [s.outcome.code])).find(Boolean);
    return {
      outcome: outcome.ok ? outcome : { ...outcome, code },
      attempts,
      warnings: all,
      receivers,
      ref: refs.length ? refs : undefined,
    };
  },
});
