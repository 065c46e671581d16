// Loopback stand-ins for the chat vendors. Each checks a request the way its vendor does
// (signature, keyword, token, size limits) and answers with that vendor's real bodies.
import { createHmac } from 'node:crypto';
import { startReceiver, type Received, type Receiver, type Reply } from './receiver.js';

export interface Emulator extends Receiver {
  /** The address to configure as the target's webhook. */
  webhook: string;
  /** Parsed bodies of the requests the vendor accepted. */
  accepted: Record<string, unknown>[];
}

export interface EmulatorOptions {
  delayMs?: number;
  /** Answers to give before behaving normally (e.g. a rate-limit reply). */
  first?: Reply[];
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Reply => ({
  status,
  body: JSON.stringify(body),
  headers: { 'Content-Type': 'application/json', ...headers },
});

async function emulator(
  path: string,
  options: EmulatorOptions,
  handle: (
    request: Received,
    url: URL,
    body: Record<string, unknown> | undefined,
    accept: (b: Record<string, unknown>) => void,
  ) => Reply,
): Promise<Emulator> {
  const accepted: Record<string, unknown>[] = [];
  const first = [...(options.first ?? [])];
  const server = await startReceiver((request) => {
    const early = first.shift();
    if (early) return early;
    const url = new URL(request.url, 'http://127.0.0.1');
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(request.body) as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    const reply = handle(request, url, body, (b) => accepted.push(b));
    return { ...reply, delayMs: options.delayMs };
  });
  return Object.assign(server, { webhook: `${server.url}${path}`, accepted });
}

/** Every string value below `value`, for keyword checks. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

const byteLength = (s: string) => Buffer.byteLength(s);

// DingTalk custom robot --------------------------------------------------------------------

export interface DingTalkOptions extends EmulatorOptions {
  token: string;
  secret?: string;
  keywords?: string[];
}

export function startDingTalk(options: DingTalkOptions): Promise<Emulator> {
  return emulator(`/robot/send?access_token=${options.token}`, options, (request, url, body, accept) => {
    if (url.pathname !== '/robot/send' || url.searchParams.get('access_token') !== options.token) {
      return json({ errcode: 300001, errmsg: 'token is not exist' });
    }
    if (options.secret) {
      const timestamp = url.searchParams.get('timestamp') ?? '';
      const expected = createHmac('sha256', options.secret).update(`${timestamp}\n${options.secret}`).digest('base64');
      if (Math.abs(Date.now() - Number(timestamp)) > 3600_000 || url.searchParams.get('sign') !== expected) {
        return json({
          errcode: 310000,
          errmsg: 'sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]',
        });
      }
    }
    if (byteLength(request.body) > 20_000)
      return json({ errcode: 460101, errmsg: 'message too long, exceed 20000 bytes' });
    if (!body || !['text', 'markdown', 'actionCard', 'link', 'feedCard'].includes(String(body.msgtype))) {
      return json({ errcode: 40035, errmsg: '缺少参数 json' });
    }
    const content = strings(body[String(body.msgtype)]).join('\n');
    if (options.keywords?.length && !options.keywords.some((k) => content.includes(k))) {
      return json({
        errcode: 310000,
        errmsg: 'keywords not in content, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]',
      });
    }
    accept(body);
    return json({ errcode: 0, errmsg: 'ok' });
  });
}

// Feishu / Lark group bot ------------------------------------------------------------------

export interface FeishuOptions extends EmulatorOptions {
  hook: string;
  secret?: string;
  keywords?: string[];
}

export function startFeishu(options: FeishuOptions): Promise<Emulator> {
  return emulator(`/open-apis/bot/v2/hook/${options.hook}`, options, (request, url, body, accept) => {
    if (url.pathname !== `/open-apis/bot/v2/hook/${options.hook}`) {
      return json({ code: 19001, data: {}, msg: 'param invalid: incoming webhook access token invalid' });
    }
    if (byteLength(request.body) > 20_000 || !body) return json({ code: 9499, data: {}, msg: 'Bad Request' }, 400);
    if (options.secret) {
      const timestamp = String(body.timestamp ?? '');
      const expected = createHmac('sha256', `${timestamp}\n${options.secret}`).update('').digest('base64');
      if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 3600 || body.sign !== expected) {
        return json({
          code: 19021,
          data: {},
          msg: 'sign match fail or timestamp is not within one hour from current time',
        });
      }
    }
    const content = strings(body.card ?? body.content).join('\n');
    if (options.keywords?.length && !options.keywords.some((k) => content.includes(k))) {
      return json({ code: 19024, data: {}, msg: 'Key Words Not Found' });
    }
    accept(body);
    return json({ StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' });
  });
}

// Feishu / Lark self-built app -------------------------------------------------------------

export interface FeishuAppOptions extends EmulatorOptions {
  appId: string;
  appSecret: string;
  /** Receive ids the bot can write to, by receive_id_type. */
  receivers: Record<string, string[]>;
}

export async function startFeishuApp(options: FeishuAppOptions): Promise<Emulator & { tokenRequests: () => number }> {
  const token = 't-g1044qeGEDXTB6NDJOGV4JQX4HPTATZUXPVWQHBX';
  let tokenRequests = 0;
  const server = await emulator('', options, (request, url, body, accept) => {
    if (url.pathname === '/open-apis/auth/v3/tenant_access_token/internal') {
      tokenRequests++;
      if (body?.app_id !== options.appId || body?.app_secret !== options.appSecret) {
        return json({ code: 10014, msg: 'app secret invalid' });
      }
      return json({ code: 0, msg: 'ok', tenant_access_token: token, expire: 7200 });
    }
    if (url.pathname !== '/open-apis/im/v1/messages') return json({ code: 404, msg: 'not found' }, 404);
    if (request.headers.authorization !== `Bearer ${token}`) {
      return json(
        { code: 99991663, msg: 'Invalid access token for authorization. Please make a request with token attached.' },
        400,
      );
    }
    const type = url.searchParams.get('receive_id_type') ?? '';
    if (!body || body.msg_type !== 'interactive' || typeof body.content !== 'string') {
      return json({ code: 230001, msg: 'Your request contains an invalid request parameter.' }, 400);
    }
    if (byteLength(body.content) > 30_000) {
      return json({ code: 230025, msg: 'The length of the message content reaches its limit.' }, 400);
    }
    if (!options.receivers[type]?.includes(String(body.receive_id))) {
      return json({ code: 230002, msg: 'Bot/User can NOT be out of the chat.' }, 400);
    }
    accept({ ...body, receive_id_type: type, card: JSON.parse(body.content) });
    return json({ code: 0, msg: 'success', data: { message_id: `om_${Date.now()}` } });
  });
  return Object.assign(server, { tokenRequests: () => tokenRequests });
}

// WeCom group robot ------------------------------------------------------------------------

export function startWeCom(options: EmulatorOptions & { key: string }): Promise<Emulator> {
  return emulator(`/cgi-bin/webhook/send?key=${options.key}`, options, (_request, url, body, accept) => {
    if (url.pathname !== '/cgi-bin/webhook/send' || url.searchParams.get('key') !== options.key) {
      return json({ errcode: 93000, errmsg: 'invalid webhook url, hint: [1732250000123456789], from ip: 127.0.0.1' });
    }
    const type = String(body?.msgtype ?? '');
    const content = String((body?.[type] as { content?: unknown } | undefined)?.content ?? '');
    if (!body || !['text', 'markdown'].includes(type)) return json({ errcode: 40008, errmsg: 'invalid message type' });
    if (content === '') return json({ errcode: 44004, errmsg: 'empty content' });
    const limit = type === 'markdown' ? 4096 : 2048;
    if (byteLength(content) > limit) {
      return json({ errcode: 40058, errmsg: `${type}.content exceed max length ${limit}. invalid Request Parameter` });
    }
    accept(body);
    return json({ errcode: 0, errmsg: 'ok' });
  });
}

// Microsoft Teams Workflows webhook --------------------------------------------------------

export function startTeams(options: EmulatorOptions & { sig: string }): Promise<Emulator> {
  const path = '/workflows/5d1c7c4a8e2f4b0d9a3e6f7b8c9d0e1f/triggers/manual/paths/invoke';
  return emulator(
    `${path}?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${options.sig}`,
    options,
    (request, url, body, accept) => {
      if (url.pathname !== path || url.searchParams.get('sig') !== options.sig) {
        return json(
          { error: { code: 'DirectApiAuthorizationRequired', message: 'The request must be authenticated.' } },
          401,
        );
      }
      if (byteLength(request.body) > 28_000) {
        return json({ error: { code: 'RequestEntityTooLarge', message: 'The request is larger than 28 KB.' } }, 413);
      }
      const attachment = (body?.attachments as Record<string, unknown>[] | undefined)?.[0];
      const card = attachment?.content as Record<string, unknown> | undefined;
      if (
        body?.type !== 'message' ||
        attachment?.contentType !== 'application/vnd.microsoft.card.adaptive' ||
        card?.type !== 'AdaptiveCard'
      ) {
        return json(
          { error: { code: 'TriggerInputSchemaMismatch', message: 'The input body does not match the schema.' } },
          400,
        );
      }
      const texts = strings(card.body).join('\n');
      const entities = (card.msteams as { entities?: { text: string }[] } | undefined)?.entities ?? [];
      const missing = entities.find((entity) => !texts.includes(entity.text));
      if (missing)
        return json(
          { error: { code: 'BadRequest', message: `Mention text ${missing.text} is not in the card.` } },
          400,
        );
      accept(body as Record<string, unknown>);
      return { status: 202, body: '' };
    },
  );
}

// Slack incoming webhook -------------------------------------------------------------------

export function startSlack(options: EmulatorOptions & { path: string }): Promise<Emulator> {
  const text = (status: number, body: string): Reply => ({ status, body, headers: { 'Content-Type': 'text/html' } });
  return emulator(options.path, options, (_request, url, body, accept) => {
    if (url.pathname !== options.path) return text(404, 'no_service');
    if (!body) return text(400, 'invalid_payload');
    if (!body.text && !body.blocks) return text(400, 'no_text');
    const blocks = [
      ...((body.blocks as Record<string, unknown>[]) ?? []),
      ...((body.attachments as { blocks?: Record<string, unknown>[] }[]) ?? []).flatMap((a) => a.blocks ?? []),
    ];
    const tooLong = blocks.some((block) => {
      const t = (block.text as { text?: string } | undefined)?.text ?? '';
      if (block.type === 'header') return Array.from(t).length > 150;
      if (block.type === 'section') {
        const fields = (block.fields as { text: string }[] | undefined) ?? [];
        return (
          Array.from(t).length > 3000 || fields.length > 10 || fields.some((f) => Array.from(f.text).length > 2000)
        );
      }
      return false;
    });
    if (blocks.length > 50 || tooLong) return text(400, 'invalid_blocks');
    accept(body);
    return text(200, 'ok');
  });
}

// Discord webhook --------------------------------------------------------------------------

export interface DiscordOptions extends EmulatorOptions {
  id: string;
  token: string;
  /** Message ids whose edits Discord refuses as too many for a message older than an hour (30046). */
  editLimited?: string[];
}

/** A message the webhook holds, as it shows now. */
export interface DiscordMessage {
  id: string;
  content: string;
  embeds: Record<string, unknown>[];
  edits: number;
}

export interface DiscordEmulator extends Emulator {
  /** Messages kept from `?wait=true` posts, by id, as edited since; delete one to stand for a deleted message. */
  messages: Map<string, DiscordMessage>;
}

export async function startDiscord(options: DiscordOptions): Promise<DiscordEmulator> {
  const L = { content: 2000, title: 256, description: 4096, fields: 25, name: 256, value: 1024, total: 6000 };
  const len = (s: unknown) => Array.from(String(s ?? '')).length;
  const messages = new Map<string, DiscordMessage>();
  let next = 1_180_000_000_000_000_000n;
  const server = await emulator(
    `/api/webhooks/${options.id}/${options.token}`,
    options,
    (request, url, body, accept) => {
      const [, , , id, token, messagesPath, messageId, ...rest] = url.pathname.split('/');
      if (id !== options.id) return json({ message: 'Unknown Webhook', code: 10015 }, 404);
      if (token !== options.token) return json({ message: 'Invalid Webhook Token', code: 50027 }, 401);
      const editing = messagesPath === 'messages' && messageId !== undefined && rest.length === 0;
      if (editing ? request.method !== 'PATCH' : request.method !== 'POST' || messagesPath !== undefined)
        return json({ message: '405: Method Not Allowed', code: 0 }, 405);
      const embeds = (body?.embeds as Record<string, unknown>[] | undefined) ?? [];
      const errors: string[] = [];
      if (!body) errors.push('body');
      if (len(body?.content) > L.content) errors.push('content');
      let total = 0;
      for (const embed of embeds) {
        const fields = (embed.fields as { name: string; value: string }[] | undefined) ?? [];
        if (len(embed.title) > L.title) errors.push('title');
        if (len(embed.description) > L.description) errors.push('description');
        if (
          fields.length > L.fields ||
          fields.some((f) => len(f.name) > L.name || len(f.value) > L.value || len(f.value) === 0)
        )
          errors.push('fields');
        total += len(embed.title) + len(embed.description) + fields.reduce((n, f) => n + len(f.name) + len(f.value), 0);
      }
      if (total > L.total) errors.push('embeds');
      if (errors.length)
        return json(
          {
            message: 'Invalid Form Body',
            code: 50035,
            errors: Object.fromEntries(errors.map((e) => [e, { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] }])),
          },
          400,
        );
      const shown = (m: DiscordMessage) =>
        json({
          id: m.id,
          type: 0,
          channel_id: '1170000000000000000',
          content: m.content,
          embeds: m.embeds,
          webhook_id: options.id,
        });
      if (editing) {
        const held = messages.get(messageId);
        if (!held) return json({ message: 'Unknown Message', code: 10008 }, 404);
        if (options.editLimited?.includes(messageId))
          return json(
            { message: 'Maximum number of edits to messages older than 1 hour reached. Try again later', code: 30046 },
            400,
          );
        accept(body as Record<string, unknown>);
        // PATCH replaces the fields it names and keeps the others.
        if (body && 'content' in body) held.content = String(body.content ?? '');
        if (body && 'embeds' in body) held.embeds = embeds;
        held.edits++;
        return shown(held);
      }
      accept(body as Record<string, unknown>);
      if (url.searchParams.get('wait') !== 'true') return { status: 204, body: '' };
      const message: DiscordMessage = { id: String(next++), content: String(body?.content ?? ''), embeds, edits: 0 };
      messages.set(message.id, message);
      return shown(message);
    },
  );
  return Object.assign(server, { messages });
}

export const discordRateLimit: Reply = {
  status: 429,
  body: JSON.stringify({ message: 'You are being rate limited.', retry_after: 0.35, global: false }),
  headers: { 'Content-Type': 'application/json', 'Retry-After': '1' },
};
