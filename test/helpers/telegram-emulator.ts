// A loopback Bot API: checks the token in the path, the chat, and the HTML the way Telegram's
// parser does (known tags only, matched end tags, entities, 4,096 characters once parsed), and
// answers with Telegram's own bodies. Stricter than Telegram on one point: a bare `&` is refused.
import { startReceiver, type Receiver, type Reply } from './receiver.js';

export interface TelegramOptions {
  token: string;
  /** Chats the bot can post to, by id or @username, with the numeric id Telegram answers with. */
  chats: Record<string, number>;
  /** Chats where the bot was blocked (a person) or is not a member (a channel). */
  blocked?: string[];
  notMember?: string[];
  /** Answers to give before behaving normally (e.g. a 429). */
  first?: Reply[];
  delayMs?: number;
}

export interface TelegramSentMessage {
  chat_id: string;
  /** As sent (HTML). */
  html: string;
  /** As Telegram shows it (entities parsed, tags gone). */
  text: string;
  link_preview_options: unknown;
}

/** A message the chat holds, as it shows now. */
export interface TelegramHeldMessage {
  chat_id: number;
  message_id: number;
  html: string;
  text: string;
  edits: number;
}

export interface TelegramEmulator extends Receiver {
  /** The `api-url` to configure. */
  apiUrl: string;
  /** What sendMessage accepted. */
  accepted: TelegramSentMessage[];
  /** Messages in the chats, as edited since (keyed `<chat id>/<message id>`); delete one to stand for a deleted message. */
  messages: Map<string, TelegramHeldMessage>;
}

const json = (body: unknown, status = 200): Reply => ({
  status,
  body: JSON.stringify(body),
  headers: { 'Content-Type': 'application/json' },
});
const error = (status: number, description: string, parameters?: unknown): Reply =>
  json({ ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) }, status);

/** Telegram's 429, asking to wait `seconds`. */
export const telegramRateLimit = (seconds: number): Reply =>
  error(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds });

const TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre']);
const MORE_TAGS = new Set(['tg-spoiler', 'span', 'blockquote', 'tg-emoji']);
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/** Telegram's HTML parse: the visible text, or the reason it cannot parse (byte offsets as Telegram gives). */
export function parseTelegramHtml(html: string): { text: string } | { error: string } {
  const open: string[] = [];
  let text = '';
  let i = 0;
  const at = (index: number) => Buffer.byteLength(html.slice(0, index));
  while (i < html.length) {
    const ch = html[i]!;
    if (ch === '<') {
      const tag = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-z-]+(?:="[^"]*"|='[^']*'|=[^\s>]*)?)*)\s*>/.exec(
        html.slice(i),
      );
      if (!tag) return { error: `Unexpected end of name token at byte offset ${at(i)}` };
      const [whole, closing, rawName, attributes] = tag as unknown as [string, string, string, string];
      const name = rawName.toLowerCase();
      if (closing) {
        const expected = open.pop();
        if (!expected) return { error: `Unexpected end tag at byte offset ${at(i)}` };
        if (expected !== name)
          return { error: `Unmatched end tag at byte offset ${at(i)}, expected "</${expected}>", found "</${name}>"` };
      } else {
        if (!TAGS.has(name) && !MORE_TAGS.has(name))
          return { error: `Unsupported start tag "${name}" at byte offset ${at(i)}` };
        if (name === 'a' && !/\shref=/.test(attributes)) return { error: `Empty href at byte offset ${at(i)}` };
        open.push(name);
      }
      i += whole.length;
      continue;
    }
    if (ch === '&') {
      const entity = /^&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);/.exec(html.slice(i));
      const value = entity?.[1];
      if (!value) return { error: `Unsupported HTML entity at byte offset ${at(i)}` };
      if (value.startsWith('#'))
        text += String.fromCodePoint(Number(value.startsWith('#x') ? `0x${value.slice(2)}` : value.slice(1)));
      else if (NAMED[value]) text += NAMED[value];
      else return { error: `Unsupported HTML entity at byte offset ${at(i)}` };
      i += entity[0].length;
      continue;
    }
    text += ch;
    i++;
  }
  if (open.length) return { error: `Can't find end tag corresponding to start tag "${open.at(-1)}"` };
  return { text: text.trim() };
}

export async function startTelegram(options: TelegramOptions): Promise<TelegramEmulator> {
  const accepted: TelegramSentMessage[] = [];
  const messages = new Map<string, TelegramHeldMessage>();
  const first = [...(options.first ?? [])];
  let messageId = 100;
  const server = await startReceiver((request) => {
    const answer = (reply: Reply): Reply => ({ ...reply, delayMs: options.delayMs });
    const early = first.shift();
    if (early) return answer(early);
    const route = /^\/bot([^/]+)\/(\w+)$/.exec(new URL(request.url, 'http://127.0.0.1').pathname);
    if (!route) return answer(error(404, 'Not Found'));
    if (decodeURIComponent(route[1]!) !== options.token) return answer(error(401, 'Unauthorized'));
    const method = route[2]!.toLowerCase();
    if (method !== 'sendmessage' && method !== 'editmessagetext') return answer(error(404, 'Not Found'));
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(request.body) as Record<string, unknown>;
    } catch {
      return answer(error(400, 'Bad Request: chat_id is empty'));
    }
    const chat = String(body.chat_id ?? '');
    if (!chat) return answer(error(400, 'Bad Request: chat_id is empty'));
    if (typeof body.text !== 'string' || body.text.trim() === '')
      return answer(error(400, 'Bad Request: message text is empty'));
    if (body.parse_mode !== undefined && body.parse_mode !== 'HTML')
      return answer(error(400, 'Bad Request: unsupported parse_mode'));
    const parsed = parseTelegramHtml(body.text);
    if ('error' in parsed) return answer(error(400, `Bad Request: can't parse entities: ${parsed.error}`));
    if (parsed.text === '') return answer(error(400, 'Bad Request: message text is empty'));
    if (parsed.text.length > 4096) return answer(error(400, 'Bad Request: message is too long'));
    // A chat is named by its @username or by its numeric id.
    const chatId = Object.hasOwn(options.chats, chat)
      ? options.chats[chat]!
      : Object.values(options.chats).find((id) => String(id) === chat);
    if (chatId === undefined) return answer(error(400, 'Bad Request: chat not found'));
    if (options.blocked?.includes(chat)) return answer(error(403, 'Forbidden: bot was blocked by the user'));
    if (options.notMember?.includes(chat))
      return answer(error(403, 'Forbidden: bot is not a member of the channel chat'));
    const result = (held: TelegramHeldMessage, edited: boolean) => ({
      message_id: held.message_id,
      from: { id: 7000000001, is_bot: true, first_name: 'CI', username: 'acme_ci_bot' },
      chat: { id: chatId, type: chat.startsWith('@') ? 'channel' : 'supergroup', title: 'ops' },
      date: 1795161900,
      ...(edited ? { edit_date: 1795162200 } : {}),
      text: held.text,
      link_preview_options: body.link_preview_options,
    });
    if (method === 'editmessagetext') {
      const held = messages.get(`${chatId}/${String(body.message_id)}`);
      if (!held) return answer(error(400, 'Bad Request: message to edit not found'));
      if (held.html === body.text)
        return answer(
          error(
            400,
            'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
          ),
        );
      Object.assign(held, { html: body.text, text: parsed.text, edits: held.edits + 1 });
      return answer(json({ ok: true, result: result(held, true) }));
    }
    accepted.push({
      chat_id: chat,
      html: body.text,
      text: parsed.text,
      link_preview_options: body.link_preview_options,
    });
    messageId++;
    const held = { chat_id: chatId, message_id: messageId, html: body.text, text: parsed.text, edits: 0 };
    messages.set(`${chatId}/${messageId}`, held);
    return answer(json({ ok: true, result: result(held, false) }));
  });
  return Object.assign(server, { apiUrl: server.url, accepted, messages });
}
