// A loopback stand-in for Feishu's open platform as a self-built app sees it: the tenant token,
// contact/v3/users/batch_get_id, im/v1/messages and its PATCH (card updates), checked as Feishu
// checks them (token, scopes, receive_id_type, 50 mobiles a call, the 30 KB card, shared cards
// only) and answered with its codes.
import { startReceiver, type Receiver, type Reply } from './receiver.js';

export interface FeishuUser {
  open_id: string;
  email?: string;
  mobile?: string;
}

export interface FeishuApiOptions {
  appId: string;
  appSecret: string;
  users: FeishuUser[];
  /** Chats the bot is in. */
  chats: string[];
  /** Scopes the app was granted (default: both). */
  scopes?: string[];
  /** The first token is refused (99991663) the first time it is used. */
  expireFirstToken?: boolean;
  /** Answers im/v1/messages gives before behaving normally (a 99991400 rate limit, say). */
  firstMessages?: Reply[];
  /** Message ids that were recalled (230011) or are older than 14 days (230031) when updated. */
  recalled?: string[];
  tooOld?: string[];
}

export interface FeishuApi extends Receiver {
  tokenRequests(): number;
  /** Paths of the calls made after the token, in order. */
  calls: string[];
  /**
   * Messages Feishu accepted, with their card parsed as the last update left it. Remove an entry
   * to stand for a message deleted by its chat.
   */
  sent: FeishuSent[];
}

export interface FeishuSent {
  message_id: string;
  receive_id_type: string;
  receive_id: string;
  card: Record<string, unknown>;
  edits: number;
}

export const SEND_SCOPE = 'im:message:send_as_bot';
export const CONTACT_SCOPE = 'contact:user.id:readonly';

const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Reply => ({
  status,
  body: JSON.stringify(body),
  headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
});

const denied = (scope: string) =>
  json(
    {
      code: 99991672,
      msg: `Access denied. One of the following scopes is required: [${scope}].应用尚未开通所需的应用身份权限：[${scope}]`,
    },
    400,
  );

export async function startFeishuApi(options: FeishuApiOptions): Promise<FeishuApi> {
  const scopes = options.scopes ?? [SEND_SCOPE, CONTACT_SCOPE];
  let tokens = 0;
  let refusedOnce = false;
  const valid = new Set<string>();
  const calls: string[] = [];
  const sent: FeishuApi['sent'] = [];
  const firstMessages = [...(options.firstMessages ?? [])];
  let messages = 0;
  const server = await startReceiver((request) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(request.body || '{}') as Record<string, unknown>;
    } catch {
      return json({ code: 9499, msg: 'Bad Request' }, 400);
    }
    if (url.pathname === '/open-apis/auth/v3/tenant_access_token/internal') {
      tokens++;
      if (body.app_id !== options.appId) return json({ code: 10003, msg: 'invalid param' });
      if (body.app_secret !== options.appSecret) return json({ code: 10014, msg: 'app secret invalid' });
      const token = `t-g104${tokens}qeGEDXTB6NDJOGV4JQX4HPTATZUXPVWQHBX`;
      valid.add(token);
      return json({ code: 0, msg: 'ok', tenant_access_token: token, expire: 7200 });
    }
    calls.push(url.pathname.replace(/^\/open-apis\//, ''));
    const token = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1] ?? '';
    if (!valid.has(token) || (options.expireFirstToken && !refusedOnce && token.startsWith('t-g1041'))) {
      refusedOnce = true;
      return json(
        { code: 99991663, msg: 'Invalid access token for authorization. Please make a request with token attached.' },
        400,
      );
    }
    if (url.pathname === '/open-apis/contact/v3/users/batch_get_id') {
      if (!scopes.includes(CONTACT_SCOPE)) return denied(CONTACT_SCOPE);
      if (url.searchParams.get('user_id_type') !== 'open_id')
        return json({ code: 99992402, msg: 'field validation failed' }, 400);
      const mobiles = Array.isArray(body.mobiles) ? body.mobiles.map(String) : [];
      const emails = Array.isArray(body.emails) ? body.emails.map(String) : [];
      if (mobiles.length > 50 || emails.length > 50 || mobiles.length + emails.length === 0)
        return json({ code: 99992402, msg: 'field validation failed' }, 400);
      // Like Feishu: every mobile asked comes back; a user_id only for those in the app's range.
      const user_list = [
        ...mobiles.map((mobile) => {
          const user = options.users.find((u) => u.mobile === mobile);
          return user ? { user_id: user.open_id, mobile } : { mobile };
        }),
        ...emails.map((email) => {
          const user = options.users.find((u) => u.email === email);
          return user ? { user_id: user.open_id, email } : { email };
        }),
      ];
      return json({ code: 0, msg: 'success', data: { user_list } });
    }
    if (url.pathname === '/open-apis/im/v1/messages') {
      if (!scopes.includes(SEND_SCOPE)) return denied(SEND_SCOPE);
      const early = firstMessages.shift();
      if (early) return early;
      const type = url.searchParams.get('receive_id_type') ?? '';
      if (!['chat_id', 'open_id', 'user_id', 'union_id', 'email'].includes(type))
        return json({ code: 99992402, msg: 'field validation failed' }, 400);
      if (body.msg_type !== 'interactive' || typeof body.content !== 'string' || typeof body.receive_id !== 'string')
        return json({ code: 230001, msg: 'Your request contains an invalid request parameter.' }, 400);
      if (Buffer.byteLength(body.content) > 30_000)
        return json({ code: 230025, msg: 'The length of the message content reaches its limit.' }, 400);
      const id = body.receive_id;
      const reachable =
        type === 'chat_id'
          ? options.chats.includes(id)
          : options.users.some((u) => (type === 'email' ? u.email : u.open_id) === id);
      if (type === 'chat_id' && !reachable)
        return json({ code: 230002, msg: 'Bot/User can NOT be out of the chat.' }, 400);
      if (!reachable) return json({ code: 230001, msg: 'Your request contains an invalid request parameter.' }, 400);
      const message_id = `om_${++messages}`;
      sent.push({
        message_id,
        receive_id_type: type,
        receive_id: id,
        card: JSON.parse(body.content) as Record<string, unknown>,
        edits: 0,
      });
      return json({ code: 0, msg: 'success', data: { message_id, chat_id: 'oc_dm' } });
    }
    const patch = /^\/open-apis\/im\/v1\/messages\/([^/]+)$/.exec(url.pathname);
    if (patch && request.method === 'PATCH') {
      if (!scopes.includes(SEND_SCOPE)) return denied(SEND_SCOPE);
      const id = decodeURIComponent(patch[1]!);
      if (options.recalled?.includes(id)) return json({ code: 230011, msg: 'The message is recalled.' }, 400);
      if (options.tooOld?.includes(id))
        return json({ code: 230031, msg: 'Message can only be modified within 14 days after sending.' }, 400);
      const message = sent.find((m) => m.message_id === id);
      if (!message)
        return json(
          { code: 230001, msg: 'Your request contains an invalid request parameter, ext=invalid message_id.' },
          400,
        );
      if (typeof body.content !== 'string')
        return json({ code: 230001, msg: 'Your request contains an invalid request parameter.' }, 400);
      if (Buffer.byteLength(body.content) > 30_000)
        return json({ code: 230025, msg: 'The length of the message content reaches its limit.' }, 400);
      const card = JSON.parse(body.content) as Record<string, unknown>;
      // Only a shared card, shared before and after, can be updated for everyone.
      const shared = (c: Record<string, unknown>) =>
        (c.config as { update_multi?: unknown } | undefined)?.update_multi === true;
      if (!shared(message.card) || !shared(card))
        return json({ code: 230099, msg: 'Failed to create card content, ext=update_multi is not true.' }, 400);
      message.card = card;
      message.edits++;
      return json({ code: 0, msg: 'success', data: {} });
    }
    return json({ code: 404, msg: 'not found' }, 404);
  });
  return Object.assign(server, { tokenRequests: () => tokens, calls, sent });
}
