// A loopback DingTalk open platform: the new API (/v1.0/oauth2/accessToken, robot oToMessages
// batchSend and groupMessages send) and the old one (/topapi/v2/user/getbymobile). It checks what
// DingTalk checks — credentials, the token in its header or query, robotCode, at most 20 user
// ids, msgParam a JSON string with the fields of its msgKey — and answers with DingTalk's bodies:
// new-API errors as HTTP 4xx `{code, message, requestid}`, old-API ones as HTTP 200 `{errcode}`.
import { startReceiver, type Received, type Receiver, type Reply } from './receiver.js';

export interface DingTalkApiOptions {
  appKey: string;
  appSecret: string;
  robotCode: string;
  /** Mobile → user id. */
  mobiles?: Record<string, string>;
  /** User ids of the organisation (those of `mobiles` are added). */
  users?: string[];
  /** Users DingTalk holds back (flowControlledStaffIdList). */
  flowControlled?: string[];
  /** openConversationIds of the chats the robot is in. */
  chats?: string[];
  /** The first token issued expires after this many robot or look-up calls. */
  expireAfter?: number;
  /** Robot calls answered 403 QpsLimitForAppkeyAndApi before the others. */
  qpsLimited?: number;
  /** Look-ups answered errcode 90018 before the others. */
  lookupsLimited?: number;
}

export interface DingTalkApi extends Receiver {
  /** Parsed bodies of accepted robot messages, with msgParam parsed. */
  sent: { path: string; body: Record<string, unknown>; param: Record<string, unknown> }[];
  /** Paths called, in order. */
  calls: string[];
  /** Tokens issued, in order. */
  tokens: string[];
}

const json = (body: unknown, status = 200): Reply => ({
  status,
  body: JSON.stringify(body),
  headers: { 'Content-Type': 'application/json;charset=utf-8' },
});
const REQUEST_ID = '5A3C1F2E-7B9D-4E6A-8C0B-1D2E3F4A5B6C';
const refuse = (status: number, code: string, message: string) =>
  json({ code, message, requestid: REQUEST_ID }, status);

const PARAMS: Record<string, string[]> = {
  sampleMarkdown: ['title', 'text'],
  sampleActionCard: ['title', 'text', 'singleTitle', 'singleURL'],
};

export async function startDingTalkApi(options: DingTalkApiOptions): Promise<DingTalkApi> {
  const mobiles = options.mobiles ?? {};
  const users = new Set([...(options.users ?? []), ...Object.values(mobiles)]);
  const sent: DingTalkApi['sent'] = [];
  const calls: string[] = [];
  const tokens: string[] = [];
  const expired = new Set<string>();
  let uses = 0;
  let qps = options.qpsLimited ?? 0;
  let lookupsLimited = options.lookupsLimited ?? 0;

  /** The token's state after one more use: valid, expired (first token only) or unknown. */
  const check = (token: string): 'ok' | 'expired' | 'invalid' => {
    if (!tokens.includes(token)) return 'invalid';
    if (expired.has(token)) return 'expired';
    if (token === tokens[0] && options.expireAfter !== undefined && ++uses > options.expireAfter) {
      expired.add(token);
      return 'expired';
    }
    return 'ok';
  };

  const robot = (request: Received, path: string, body: Record<string, unknown>): Reply => {
    const token = String(request.headers['x-acs-dingtalk-access-token'] ?? '');
    if (!token) return refuse(400, 'MissingAuthentication', 'x-acs-dingtalk-access-token is mandatory');
    if (check(token) !== 'ok') return refuse(400, 'InvalidAuthentication', '不合法的access_token');
    if (qps > 0) {
      qps--;
      return refuse(403, 'QpsLimitForAppkeyAndApi', '调用该接口超过限流');
    }
    if (body.robotCode !== options.robotCode) return refuse(400, 'robot.not.exist', 'robot 不存在');
    const keys = PARAMS[String(body.msgKey)];
    if (!keys) return refuse(400, 'invalidParameter.msgKey', 'msgKey is invalid');
    if (typeof body.msgParam !== 'string') return refuse(400, 'invalidParameter.msgParam', 'msgParam must be a string');
    let param: Record<string, unknown>;
    try {
      param = JSON.parse(body.msgParam) as Record<string, unknown>;
    } catch {
      return refuse(400, 'invalidParameter.msgParam', 'msgParam is not JSON');
    }
    const absent = keys.filter((k) => typeof param[k] !== 'string' || param[k] === '');
    if (absent.length) return refuse(400, 'invalidParameter.msgParam', `msgParam lacks ${absent.join(', ')}`);
    if (path.endsWith('/oToMessages/batchSend')) {
      const userIds = Array.isArray(body.userIds) ? body.userIds.map(String) : [];
      if (userIds.length === 0 || userIds.length > 20)
        return refuse(400, 'invalidParameter.userIds', 'userIds must hold 1 to 20 ids');
      sent.push({ path, body, param });
      return json({
        processQueryKey: `pqk-${sent.length}`,
        invalidStaffIdList: userIds.filter((id) => !users.has(id)),
        flowControlledStaffIdList: userIds.filter((id) => options.flowControlled?.includes(id)),
      });
    }
    if (!options.chats?.includes(String(body.openConversationId)))
      return refuse(400, 'resource.not.found', '机器人不在群内或群不存在');
    sent.push({ path, body, param });
    return json({ processQueryKey: `pqk-${sent.length}` });
  };

  const server = await startReceiver((request) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    calls.push(url.pathname);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(request.body) as Record<string, unknown>;
    } catch {
      return refuse(400, 'InvalidParameter', 'the body is not JSON');
    }
    if (request.method !== 'POST') return refuse(405, 'MethodNotAllowed', 'use POST');
    switch (url.pathname) {
      case '/v1.0/oauth2/accessToken': {
        if (body.appKey !== options.appKey || body.appSecret !== options.appSecret)
          return refuse(400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret');
        const token = `dtat-${tokens.length + 1}-${'f'.repeat(24)}`;
        tokens.push(token);
        return json({ accessToken: token, expireIn: 7200 });
      }
      case '/topapi/v2/user/getbymobile': {
        const state = check(url.searchParams.get('access_token') ?? '');
        if (state === 'expired') return json({ errcode: 42001, errmsg: 'access_token超时' });
        if (state === 'invalid') return json({ errcode: 40014, errmsg: '不合法的access_token' });
        if (lookupsLimited > 0) {
          lookupsLimited--;
          return json({ errcode: 90018, errmsg: '当前企业调用该接口的QPS超过限制' });
        }
        const userid = mobiles[String(body.mobile)];
        return userid
          ? json({ errcode: 0, errmsg: 'ok', result: { userid, exclusive_account_userid_list: [] } })
          : json({ errcode: 60121, errmsg: '找不到该用户' });
      }
      case '/v1.0/robot/oToMessages/batchSend':
      case '/v1.0/robot/groupMessages/send':
        return robot(request, url.pathname, body);
    }
    return refuse(404, 'InvalidAction.NotFound', 'Specified api is not found');
  });
  return Object.assign(server, { sent, calls, tokens });
}
