// A loopback stand-in for WeCom's server API (qyapi.weixin.qq.com) as a self-built app sees it:
// gettoken, the two user-id lookups and message/send, checked as WeCom checks them (method, token,
// required fields, the 2,048-byte markdown, the trusted-IP rule) and answered with its codes.
import { startReceiver, type Receiver, type Reply } from './receiver.js';

export interface WeComUser {
  userid: string;
  /** The corporate email (email_type 1). */
  email?: string;
  /** A personal email bound to the account (email_type 2). */
  personalEmail?: string;
  mobile?: string;
  /** false: the member has no licence for apps (unlicenseduser). */
  licensed?: boolean;
  /** false: outside the app's visible range (invaliduser). */
  visible?: boolean;
}

export interface WeComApiOptions {
  corpId: string;
  corpSecret: string;
  agentId: number;
  users: WeComUser[];
  /** false: every call but gettoken answers 60020, as for a caller outside the trusted IPs. */
  trustedIp?: boolean;
  /** The first token is reported expired (42001) the first time it is used. */
  expireFirstToken?: boolean;
  /** Answers message/send gives before behaving normally (a 45009, say). */
  firstSends?: Reply[];
}

export interface WeComApi extends Receiver {
  tokenRequests(): number;
  /** Paths of the calls made after gettoken, in order (`user/getuserid`, `message/send`…). */
  calls: string[];
  /** Bodies of the messages WeCom accepted. */
  sent: Record<string, unknown>[];
}

const json = (body: unknown): Reply => ({
  status: 200,
  body: JSON.stringify(body),
  headers: { 'Content-Type': 'application/json; charset=UTF-8' },
});

/** WeCom's error shape: the code, its text, a hint and where to read more. */
const error = (errcode: number, text: string): Reply =>
  json({
    errcode,
    errmsg: `${text}, hint: [1732250000_7_3f9c${errcode}], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=${errcode}`,
  });

export async function startWeComApi(options: WeComApiOptions): Promise<WeComApi> {
  let tokens = 0;
  const valid = new Set<string>();
  let expiredOnce = false;
  const calls: string[] = [];
  const sent: Record<string, unknown>[] = [];
  const firstSends = [...(options.firstSends ?? [])];
  let msgids = 0;
  const server = await startReceiver((request) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    const path = url.pathname.replace(/^\/cgi-bin\//, '');
    if (path === 'gettoken') {
      tokens++;
      if (request.method !== 'GET') return error(43001, 'require GET method');
      if (url.searchParams.get('corpid') !== options.corpId) return error(40013, 'invalid corpid');
      if (url.searchParams.get('corpsecret') !== options.corpSecret) return error(40001, 'invalid credential');
      const token = `wc-acc3ss-t0ken-${tokens}-${'x'.repeat(40)}`;
      valid.add(token);
      return json({ errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 });
    }
    calls.push(path);
    const token = url.searchParams.get('access_token');
    if (!token) return error(41001, 'access_token missing');
    if (!valid.has(token)) return error(40014, 'invalid access_token');
    if (options.expireFirstToken && !expiredOnce && token.includes('-1-')) {
      expiredOnce = true;
      valid.delete(token);
      return error(42001, 'access_token expired');
    }
    if (options.trustedIp === false) return error(60020, 'not allow to access from your ip');
    if (request.method !== 'POST') return error(43002, 'require POST method');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(request.body) as Record<string, unknown>;
    } catch {
      return error(47001, 'data format error');
    }
    if (path === 'user/get_userid_by_email') {
      if (typeof body.email !== 'string' || !body.email) return error(60105, 'invalid email');
      const type = body.email_type ?? 1;
      if (type !== 1 && type !== 2) return error(40058, 'invalid email_type');
      const user = options.users.find((u) => (type === 1 ? u.email : u.personalEmail) === body.email);
      return user ? json({ errcode: 0, errmsg: 'ok', userid: user.userid }) : error(46004, 'user no exist');
    }
    if (path === 'user/getuserid') {
      if (typeof body.mobile !== 'string' || !/^\+?\d{5,32}$/.test(body.mobile)) return error(60103, 'invalid mobile');
      const user = options.users.find((u) => u.mobile === body.mobile);
      return user ? json({ errcode: 0, errmsg: 'ok', userid: user.userid }) : error(46004, 'user no exist');
    }
    if (path === 'message/send') {
      const early = firstSends.shift();
      if (early) return early;
      if (body.agentid === undefined) return error(41011, 'missing agentid');
      if (body.agentid !== options.agentId) return error(40056, 'invalid agentid');
      if (body.msgtype !== 'markdown') return error(40008, 'invalid message type');
      const content = (body.markdown as { content?: unknown } | undefined)?.content;
      if (typeof content !== 'string' || content === '') return error(44004, 'empty content');
      if (Buffer.byteLength(content) > 2048)
        return error(40058, 'markdown.content exceed max length 2048. invalid Request Parameter');
      const touser = typeof body.touser === 'string' ? body.touser.split('|').filter(Boolean) : [];
      if (touser.length === 0) return error(40003, 'invalid userid');
      if (touser.length > 1000) return error(40031, 'invalid userid list');
      const known = (id: string) => options.users.find((u) => u.userid === id && u.visible !== false);
      const invalid = touser.filter((id) => !known(id));
      const unlicensed = touser.filter((id) => known(id)?.licensed === false);
      const answer = {
        invaliduser: invalid.join('|'),
        unlicenseduser: unlicensed.join('|'),
        msgid: `msg-${++msgids}`,
      };
      if (invalid.length === touser.length)
        return json({ errcode: 81013, errmsg: 'user & party & tag all invalid', ...answer });
      sent.push(body);
      return json({ errcode: 0, errmsg: 'ok', ...answer });
    }
    return error(404, 'api not found');
  });
  return Object.assign(server, { tokenRequests: () => tokens, calls, sent });
}
