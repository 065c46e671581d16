// DingTalk app robot: messages to people directly and to chats. The app's token comes from
// /v1.0/oauth2/accessToken; mobiles become user ids through the old API (topapi, whose real host
// is oapi.dingtalk.com); users get one batchSend per 20, chats one groupMessages/send each.
import { appSession, type AppSession } from './app-session.js';
import type { HttpRequest, HttpResponse, Outcome } from '../http.js';
import { bodyLines, details, markdownDialect, safeUrl } from '../message/markdown.js';
import type { Message } from '../message/index.js';
import { escapeChatMarkdown } from './chat-markdown.js';
import { DINGTALK_LIMIT } from './dingtalk.js';
import { receiverLogins, receiversOutcome, resolveReceivers, shown, type Receiver } from './receivers.js';
import {
  JSON_HEADERS,
  fitBody,
  option,
  optionList,
  parseBody,
  type BuildInput,
  type ReceiverResult,
  type SendDriver,
  type SendResult,
  type SendTools,
  type TargetMeta,
  withCode,
} from './types.js';

export const DINGTALK_API = 'https://api.dingtalk.com';
const OLD_API = 'https://oapi.dingtalk.com';
const STYLE = { field: 'dingtalk', by: ['mobile'] } as const;
const CHAT = 'chat:';
/** batchSend takes at most this many user ids a call. */
export const BATCH_SIZE = 20;
/** Answers saying the token expired: fetched again once, and the call repeated. */
const EXPIRED = ['InvalidAuthentication', '40014', '42001'];
const QPS_WAIT_MS = 1000;

/** The new API's base, and the old API's: oapi.dingtalk.com unless api-url moves both. */
export function dingtalkBases(apiUrl: string): { api: string; oapi: string } {
  const api = (apiUrl || DINGTALK_API).replace(/\/+$/, '');
  return { api, oapi: api === DINGTALK_API ? OLD_API : api };
}

/** The message as the robot's sampleActionCard (a button to the run) or sampleMarkdown. */
export function dingtalkAppMessage(message: Message): { msgKey: string; msgParam: string } {
  const d = markdownDialect(escapeChatMarkdown);
  const heading = `### ${escapeChatMarkdown(message.title)}`;
  const text = details(message, escapeChatMarkdown, () => bodyLines(message, d).join('\n\n'));
  const button = safeUrl(message.url);
  const param = fitBody(
    (text) => {
      const markdown = [heading, text].filter(Boolean).join('\n\n');
      return button
        ? { title: message.title, text: markdown, singleTitle: message.texts.clickForMore, singleURL: message.url }
        : { title: message.title, text: markdown };
    },
    text,
    DINGTALK_LIMIT,
    message.texts.truncated,
  );
  return { msgKey: button ? 'sampleActionCard' : 'sampleMarkdown', msgParam: JSON.stringify(param) };
}

/** A new-API answer: 2xx is accepted; errors are `{code, message, requestid}` with a 4xx/5xx. */
export function judgeNewApi(what: string, response: HttpResponse): Outcome<Record<string, unknown>> {
  const body = parseBody(response) ?? {};
  if (response.status >= 200 && response.status < 300) return { ok: true, value: body };
  const code = typeof body.code === 'string' ? body.code : `HTTP ${response.status}`;
  const said = typeof body.message === 'string' ? ` ${body.message}` : '';
  const prefix = `DingTalk refused ${what} (${code}${said})`;
  if (/QpsLimit/i.test(code)) {
    return { ok: false, retryable: true, retryAfterMs: QPS_WAIT_MS, message: `${prefix}: rate limited`, code };
  }
  if (code === 'InvalidAuthentication') return { ok: false, retryable: false, message: prefix, code };
  if (/^Forbidden/i.test(code) || response.status === 403) {
    return {
      ok: false,
      retryable: false,
      message: `${prefix}: give the app the permission named there (Permissions in the developer console)`,
      code,
    };
  }
  const retryable = response.status === 429 || response.status >= 500;
  return { ok: false, retryable, message: prefix, code };
}

/** The token answer: `{accessToken, expireIn}`; a refusal of the credentials is never retried. */
function judgeToken(response: HttpResponse): Outcome<string> {
  const judged = judgeNewApi('the app credentials', response);
  if (!judged.ok) {
    const refused = response.status >= 400 && response.status < 500 && !judged.retryable;
    return refused ? { ...judged, message: `${judged.message}: check app-key and app-secret` } : judged;
  }
  const token = judged.value.accessToken;
  return typeof token === 'string' && token
    ? { ok: true, value: token }
    : { ok: false, retryable: false, message: 'DingTalk answered the token request without an accessToken' };
}

/** An old-API answer: HTTP 200 with `errcode`; 90018 is its rate limit. */
function judgeOldApi(what: string, response: HttpResponse): Outcome<Record<string, unknown>> {
  const body = parseBody(response);
  const code = body?.errcode;
  if (typeof code !== 'number') {
    const retryable = response.status === 429 || response.status >= 500;
    return { ok: false, retryable, message: `DingTalk ${what} answered HTTP ${response.status} without an errcode` };
  }
  if (code === 0) return { ok: true, value: body ?? {} };
  const said = typeof body?.errmsg === 'string' ? ` ${body.errmsg}` : '';
  const prefix = `DingTalk refused ${what} (${code}${said})`;
  if (code === 90018) {
    return { ok: false, retryable: true, retryAfterMs: QPS_WAIT_MS, message: `${prefix}: rate limited`, code: '90018' };
  }
  if (code === 60121) return { ok: false, retryable: false, message: 'no DingTalk user has this mobile (60121)' };
  const hint =
    code === 60011 || code === 88
      ? ': give the app the permission to read members by mobile (qyapi_get_member_by_mobile)'
      : '';
  return { ok: false, retryable: false, message: `${prefix}${hint}`, code: String(code) };
}

interface Plan {
  base: { api: string; oapi: string };
  token: HttpRequest;
  lookup(mobile: string, token: string): HttpRequest;
  toUsers(userIds: readonly string[], token: string): HttpRequest;
  toChat(chat: string, token: string): HttpRequest;
}

function plan(input: BuildInput): Plan {
  const { target, message } = input;
  const base = dingtalkBases(option(target, 'api-url'));
  const robotCode = option(target, 'robot-code');
  const content = dingtalkAppMessage(message);
  const robotHeaders = (token: string) => ({ ...JSON_HEADERS, 'x-acs-dingtalk-access-token': token });
  return {
    base,
    token: {
      method: 'POST',
      url: `${base.api}/v1.0/oauth2/accessToken`,
      headers: { ...JSON_HEADERS },
      body: JSON.stringify({ appKey: option(target, 'app-key'), appSecret: option(target, 'app-secret') }),
    },
    lookup: (mobile, token) => ({
      method: 'POST',
      url: `${base.oapi}/topapi/v2/user/getbymobile?access_token=${encodeURIComponent(token)}`,
      headers: { ...JSON_HEADERS },
      body: JSON.stringify({ mobile }),
    }),
    toUsers: (userIds, token) => ({
      method: 'POST',
      url: `${base.api}/v1.0/robot/oToMessages/batchSend`,
      headers: robotHeaders(token),
      body: JSON.stringify({ robotCode, userIds, ...content }),
    }),
    toChat: (chat, token) => ({
      method: 'POST',
      url: `${base.api}/v1.0/robot/groupMessages/send`,
      headers: robotHeaders(token),
      body: JSON.stringify({ robotCode, openConversationId: chat, ...content }),
    }),
  };
}

/** The receivers: `chat:<openConversationId>` entries apart, the rest resolved as people. */
function receiversOf(input: BuildInput) {
  const entries = optionList(input.target, 'receivers');
  const chats = [...new Set(entries.filter((e) => e.startsWith(CHAT)).map((e) => e.slice(CHAT.length).trim()))];
  const people = resolveReceivers(
    entries.filter((e) => !e.startsWith(CHAT)),
    input,
    STYLE,
  );
  return { chats, ...people };
}

/** The app's token for the run, shared by every target of the same app and secret (SPEC §10). */
function session(input: BuildInput, tools: SendTools, steps: Plan): AppSession {
  return appSession(tools, {
    app: `dingtalk-app|${steps.base.api}|${option(input.target, 'app-key')}`,
    secret: option(input.target, 'app-secret'),
    fetch: () => tools.http(steps.token, judgeToken),
    expired: EXPIRED,
  });
}

const listed = (body: Record<string, unknown>, field: string): string[] =>
  Array.isArray(body[field]) ? (body[field] as unknown[]).map(String) : [];

export const dingtalkAppDeclaration: TargetMeta = {
  type: 'dingtalk-app',
  summary: 'DingTalk app robot: messages to people directly and to chats',
  fields: {
    'app-key': { kind: 'text', required: true, description: "The app's AppKey (Client ID)." },
    'app-secret': {
      kind: 'text',
      secret: true,
      required: true,
      description: "The app's AppSecret (Client Secret; a credential).",
    },
    'robot-code': {
      kind: 'text',
      required: true,
      description: "The app robot's RobotCode (the same as the AppKey for most apps).",
    },
    receivers: {
      kind: 'list',
      required: true,
      description: 'User ids, mobiles, $creator, $committers, $<login>, chat:<openConversationId>.',
    },
    'api-url': {
      kind: 'url',
      default: DINGTALK_API,
      description:
        'The base of both DingTalk APIs (/v1.0/… and /topapi/…); by default the old API goes to https://oapi.dingtalk.com.',
    },
  },
  logins: receiverLogins,
  validate(options) {
    const receivers = Array.isArray(options.receivers) ? options.receivers.map(String) : [];
    return receivers
      .filter((entry) => entry.startsWith(CHAT) && entry.slice(CHAT.length).trim() === '')
      .map(() => ({ field: 'receivers', problem: 'chat: needs an openConversationId after it (chat:cid…)' }));
  },
};

export const dingtalkApp: SendDriver = /* @__PURE__ */ withCode<SendDriver>(dingtalkAppDeclaration, {
  kind: 'send',
  preview(input) {
    const steps = plan(input);
    const { chats, receivers, missing } = receiversOf(input);
    const token = '<accessToken>';
    const lines: string[] = [];
    const requests: HttpRequest[] = [steps.token];
    const userIds: string[] = [];
    for (const receiver of receivers) {
      if (receiver.kind === 'mobile') {
        const who = shown(receiver);
        // The mobile stays hidden in a dry run too, as in every log line.
        requests.push(steps.lookup(`<mobile ${who}>`, token));
        lines.push(`${who}: looked up with topapi/v2/user/getbymobile when sending (not in a dry run)`);
        userIds.push(`<userid of ${who}>`);
      } else userIds.push(receiver.value);
    }
    for (let i = 0; i < userIds.length; i += BATCH_SIZE)
      requests.push(steps.toUsers(userIds.slice(i, i + BATCH_SIZE), token));
    for (const chat of chats) requests.push(steps.toChat(chat, token));
    return {
      requests,
      lines,
      warnings: [...atWarnings(input), ...missing.map((m) => `receiver ${m.entry} is skipped: ${m.reason}`)],
    };
  },
  async send(input, tools): Promise<SendResult> {
    const steps = plan(input);
    const { chats, receivers, missing } = receiversOf(input);
    const warnings = atWarnings(input);
    const api = session(input, tools, steps);
    // The token first: when the credentials are refused, one line says so for every receiver.
    const first = await api.get(false);
    if (!first.ok) return { outcome: first, attempts: api.attempts(), warnings };

    const results = new Map<Receiver, ReceiverResult>();
    const done = (receiver: Receiver, error?: string) =>
      results.set(receiver, { receiver: shown(receiver), ok: !error, error });
    // Receivers by user id (two entries may name the same person).
    const byUser = new Map<string, Receiver[]>();
    for (const receiver of receivers) {
      let userId = receiver.value;
      if (receiver.kind === 'mobile') {
        const found = await api.call(
          (token) => steps.lookup(receiver.value, token),
          (r) => judgeOldApi('the mobile look-up', r),
        );
        const id = found.ok ? (found.value.result as { userid?: unknown } | undefined)?.userid : undefined;
        if (!found.ok || typeof id !== 'string' || !id) {
          done(receiver, found.ok ? 'DingTalk answered the look-up without a userid' : found.message);
          continue;
        }
        userId = id;
      }
      byUser.set(userId, [...(byUser.get(userId) ?? []), receiver]);
    }
    const userIds = [...byUser.keys()];
    for (let i = 0; i < userIds.length; i += BATCH_SIZE) {
      const batch = userIds.slice(i, i + BATCH_SIZE);
      const sent = await api.call(
        (token) => steps.toUsers(batch, token),
        (r) => judgeNewApi('the direct messages', r),
      );
      const invalid = new Set(sent.ok ? listed(sent.value, 'invalidStaffIdList') : []);
      const held = new Set(sent.ok ? listed(sent.value, 'flowControlledStaffIdList') : []);
      for (const userId of batch) {
        const error = !sent.ok
          ? sent.message
          : invalid.has(userId)
            ? 'DingTalk listed this user in invalidStaffIdList: not a member the app can reach'
            : held.has(userId)
              ? 'DingTalk listed this user in flowControlledStaffIdList: flow control held the message'
              : undefined;
        for (const receiver of byUser.get(userId) ?? []) done(receiver, error);
      }
    }
    const listedResults: ReceiverResult[] = receivers.flatMap((r) => results.get(r) ?? []);
    for (const chat of chats) {
      const sent = await api.call(
        (token) => steps.toChat(chat, token),
        (r) => judgeNewApi('the chat message', r),
      );
      listedResults.push({ receiver: `${CHAT}${chat}`, ok: sent.ok, error: sent.ok ? undefined : sent.message });
    }
    listedResults.push(...missing.map((m) => ({ receiver: m.entry, ok: false, error: m.reason })));
    return {
      outcome: receiversOutcome(listedResults),
      attempts: api.attempts(),
      warnings,
      receivers: listedResults,
    };
  },
});

/** The robot's sample messages cannot @-mention: `at` is said to do nothing here. */
function atWarnings(input: BuildInput): string[] {
  return input.target.at.length ? ['at does nothing for dingtalk-app: its messages go to the receivers directly'] : [];
}
