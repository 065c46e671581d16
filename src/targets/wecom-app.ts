// WeCom self-built app (企业微信自建应用): gettoken, emails and mobiles looked up as user ids, then
// ONE message/send to every receiver (`touser: "a|b"`). The answer lists who did not get it.
import { appSession, type AppSession } from './app-session.js';
import type { HttpRequest, HttpResponse, Outcome } from '../http.js';
import { receiverLogins, receiversOutcome, resolveReceivers, shown, type Receiver } from './receivers.js';
import {
  JSON_HEADERS,
  judgeCode,
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
import { wecomMarkdown } from './wecom.js';

export const WECOM_APP_MARKDOWN_LIMIT = 2048;
const STYLE = { field: 'wecom', by: ['email', 'mobile'] } as const;
const RATE_LIMITED = [45009];
/** The access token is invalid or expired: fetched again once. */
const TOKEN_EXPIRED = ['40014', '42001'];
const NOT_FOUND = 46004;
const ALL_INVALID = 81013;

const IP_HINT =
  "the caller's IP is not on the app's trusted IP list (企业可信IP): add the runner's address there; hosted runners' addresses change, so this needs a self-hosted runner with a fixed address";

function hint(code: number): string | undefined {
  if (code === 40013) return 'check corp-id (My Company → Company Information → Company ID)';
  if (code === 40001 || code === 40091) return "check app-secret: it is the app's own Secret, shown in the app's page";
  if (code === 60020) return IP_HINT;
  if (code === 40056) return "check agent-id: the app's AgentId";
  if (code === 301002) return 'agent-id and app-secret belong to different apps';
  if (code === 60011) return "the member is outside the app's visible range: widen it in the app's page";
  if (code === 45009) return 'rate limited';
  if (code === 40058) return 'the message was refused as malformed';
  return undefined;
}

const judge = (response: HttpResponse, what: string) =>
  judgeCode(response, what, 'errcode', 'errmsg', RATE_LIMITED, hint);

function base(input: BuildInput): string {
  return option(input.target, 'api-url').replace(/\/+$/, '');
}

function tokenRequest(input: BuildInput): HttpRequest {
  const query = new URLSearchParams({
    corpid: option(input.target, 'corp-id'),
    corpsecret: option(input.target, 'app-secret'),
  });
  return { method: 'GET', url: `${base(input)}/cgi-bin/gettoken?${query}`, headers: {} };
}

function readToken(response: HttpResponse): Outcome<string> {
  const judged = judge(response, 'WeCom authentication');
  if (!judged.ok) return judged;
  const token = parseBody(response)?.access_token;
  return typeof token === 'string' && token
    ? { ok: true, value: token }
    : { ok: false, retryable: false, message: 'WeCom authentication answered without an access_token' };
}

function lookupRequest(input: BuildInput, receiver: Receiver, token: string, emailType = 1): HttpRequest {
  const query = `access_token=${encodeURIComponent(token)}`;
  return receiver.kind === 'email'
    ? {
        method: 'POST',
        url: `${base(input)}/cgi-bin/user/get_userid_by_email?${query}`,
        headers: { ...JSON_HEADERS },
        body: JSON.stringify({ email: receiver.value, email_type: emailType }),
      }
    : {
        method: 'POST',
        url: `${base(input)}/cgi-bin/user/getuserid?${query}`,
        headers: { ...JSON_HEADERS },
        body: JSON.stringify({ mobile: receiver.value }),
      };
}

function sendRequest(input: BuildInput, userIds: readonly string[], token: string): HttpRequest {
  return {
    method: 'POST',
    url: `${base(input)}/cgi-bin/message/send?access_token=${encodeURIComponent(token)}`,
    headers: { ...JSON_HEADERS },
    body: JSON.stringify({
      touser: userIds.join('|'),
      msgtype: 'markdown',
      agentid: Number(option(input.target, 'agent-id')),
      markdown: { content: wecomMarkdown(input.message, WECOM_APP_MARKDOWN_LIMIT) },
    }),
  };
}

function warningsOf(input: BuildInput, missing: readonly { entry: string; reason: string }[]): string[] {
  return [
    ...(input.target.at.length ? ['at is not used by wecom-app: the message goes to each of receivers directly'] : []),
    ...missing.map((m) => `cannot send to ${m.entry}: ${m.reason}`),
  ];
}

/** The run's token for this app (SPEC §10). */
function tokens(input: BuildInput, tools: SendTools): AppSession {
  return appSession(tools, {
    app: `wecom-app|${base(input)}|${option(input.target, 'corp-id')}`,
    secret: option(input.target, 'app-secret'),
    fetch: () => tools.http(tokenRequest(input), readToken),
    expired: TOKEN_EXPIRED,
  });
}

/** A looked-up user id, or why there is none. */
async function lookUp(input: BuildInput, receiver: Receiver, call: AppSession['call']): Promise<Outcome<string>> {
  const read = (response: HttpResponse): Outcome<string> => {
    const body = parseBody(response);
    if (body?.errcode === NOT_FOUND)
      return { ok: false, retryable: false, message: `WeCom found no member by this ${receiver.kind}`, code: '46004' };
    const judged = judge(response, `WeCom ${receiver.kind} lookup`);
    if (!judged.ok) return judged;
    const userid = body?.userid;
    return typeof userid === 'string' && userid
      ? { ok: true, value: userid }
      : { ok: false, retryable: false, message: `WeCom ${receiver.kind} lookup answered without a userid` };
  };
  const found = await call((token) => lookupRequest(input, receiver, token, 1), read);
  // A corporate email first (email_type 1), then a personal one (2).
  if (receiver.kind === 'email' && !found.ok && found.code === '46004')
    return call((token) => lookupRequest(input, receiver, token, 2), read);
  return found;
}

interface Delivered {
  invalid: Set<string>;
  unlicensed: Set<string>;
  msgid: string;
}

function readSent(response: HttpResponse): Outcome<Delivered> {
  const body = parseBody(response);
  const ids = (field: string) =>
    new Set(
      String(body?.[field] ?? '')
        .split('|')
        .filter(Boolean),
    );
  // 81013: nobody in touser could get it; the answer still lists them.
  if (body?.errcode !== 0 && body?.errcode !== ALL_INVALID) {
    const judged = judge(response, 'WeCom');
    if (!judged.ok) return judged;
  }
  return {
    ok: true,
    value: { invalid: ids('invaliduser'), unlicensed: ids('unlicenseduser'), msgid: String(body?.msgid ?? '') },
  };
}

export const wecomAppDeclaration: TargetMeta = {
  type: 'wecom-app',
  summary: 'WeCom self-built app: direct messages to members',
  fields: {
    'corp-id': { kind: 'text', required: true, description: 'The company id (corpid, ww…).' },
    'agent-id': { kind: 'text', required: true, description: "The app's AgentId (digits)." },
    'app-secret': { kind: 'text', secret: true, required: true, description: "The app's Secret (a credential)." },
    receivers: {
      kind: 'list',
      required: true,
      description: 'People to message: user ids, emails, mobiles, $creator, $committers, $<login>.',
    },
    'api-url': {
      kind: 'url',
      default: 'https://qyapi.weixin.qq.com',
      description: "WeCom's API base (a private deployment or a proxy).",
    },
  },
  validate(options) {
    const agent = typeof options['agent-id'] === 'string' ? options['agent-id'] : '';
    return agent && !/^\d{1,10}$/.test(agent)
      ? [{ field: 'agent-id', problem: "expected the app's AgentId: digits, such as 1000002" }]
      : [];
  },
  logins: receiverLogins,
};

export const wecomApp: SendDriver = /* @__PURE__ */ withCode<SendDriver>(wecomAppDeclaration, {
  kind: 'send',
  preview(input) {
    const { receivers, missing } = resolveReceivers(optionList(input.target, 'receivers'), input, STYLE);
    const lookups = receivers.filter((r) => r.kind !== 'id');
    const userIds = receivers.map((r) => (r.kind === 'id' ? r.value : `<userid of ${shown(r)}>`));
    const requests = [
      tokenRequest(input),
      ...lookups.map((r) => lookupRequest(input, r, 'ACCESS_TOKEN')),
      ...(userIds.length ? [sendRequest(input, [...new Set(userIds)], 'ACCESS_TOKEN')] : []),
    ];
    const lines = lookups.length
      ? [
          `looked up when sending (not in a dry run): ${lookups.map((r) => `${shown(r)} by ${r.kind}`).join(', ')}`,
          ...(lookups.some((r) => r.kind === 'email')
            ? ['an email not found as a corporate one is tried as personal']
            : []),
        ]
      : [];
    return { requests, lines, warnings: warningsOf(input, missing) };
  },
  async send(input, tools) {
    const { receivers, missing } = resolveReceivers(optionList(input.target, 'receivers'), input, STYLE);
    const warnings = warningsOf(input, missing);
    const failedEntries: ReceiverResult[] = missing.map((m) => ({ receiver: m.entry, ok: false, error: m.reason }));
    const session = tokens(input, tools);
    if (receivers.length === 0)
      return { outcome: receiversOutcome(failedEntries), attempts: 0, warnings, receivers: failedEntries };
    const token = await session.get(false);
    // Wrong credentials: one line for the target, nothing sent to anyone.
    if (!token.ok) return { outcome: token, attempts: session.attempts(), warnings };

    const userIds = await Promise.all(
      receivers.map((r): Promise<Outcome<string>> =>
        r.kind === 'id' ? Promise.resolve({ ok: true, value: r.value }) : lookUp(input, r, session.call),
      ),
    );
    const found = [...new Set(userIds.flatMap((id) => (id.ok ? [id.value] : [])))];
    const sent = found.length
      ? await session.call((t) => sendRequest(input, found, t), readSent)
      : ({ ok: false, retryable: false, message: 'nobody to send to' } as const);
    const results = receivers.map((receiver, i): ReceiverResult => {
      const who = shown(receiver);
      const id = userIds[i]!;
      if (!id.ok) return { receiver: who, ok: false, error: id.message };
      if (!sent.ok) return { receiver: who, ok: false, error: sent.message };
      if (sent.value.invalid.has(id.value))
        return {
          receiver: who,
          ok: false,
          error: `WeCom did not deliver to ${id.value} (invaliduser): no such member, or outside the app's visible range`,
        };
      if (sent.value.unlicensed.has(id.value))
        return {
          receiver: who,
          ok: false,
          error: `WeCom did not deliver to ${id.value} (unlicenseduser): the member has no licence for this app`,
        };
      return { receiver: who, ok: true };
    });
    const all = [...results, ...failedEntries];
    return {
      // A refusal of the whole message (60020, a wrong agent-id) is the target's one line.
      outcome: !sent.ok && found.length && all.every((r) => r.error === sent.message) ? sent : receiversOutcome(all),
      attempts: session.attempts(),
      warnings,
      receivers: all,
      ref: sent.ok && sent.value.msgid ? { msgid: sent.value.msgid } : undefined,
    };
  },
});
