// Feishu/Lark self-built app: tenant_access_token/internal, mobiles looked up as open_ids
// (contact/v3/users/batch_get_id), then one im/v1/messages request per receiver, the card sent as
// a JSON string with `update_multi` so that a later notification of the run updates it in place
// (PATCH im/v1/messages/<id>, SPEC §11).
import { hmacSha256Hex } from '../crypto.js';
import { appSession, type AppSession } from './app-session.js';
import type { HttpRequest, HttpResponse, Outcome } from '../http.js';
import type { Message } from '../message/index.js';
import { feishuCard, feishuDetails, larkMentions } from './feishu-card.js';
import { receiverLogins, receiversOutcome, resolveReceivers, shown } from './receivers.js';
import {
  JSON_HEADERS,
  fitBody,
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

export const RECEIVE_ID_TYPES = ['chat_id', 'open_id', 'user_id', 'union_id', 'email'] as const;

export const FEISHU_APP_CARD_LIMIT = 30_000;
const RATE_LIMITED = [99991400, 230020, 11232];
/** The tenant token is invalid or expired: fetched again once. */
const TOKEN_INVALID = ['99991663', '99991661'];
const STYLE = { field: 'feishu', by: ['email', 'mobile'] } as const;
/** batch_get_id takes up to 50 mobiles a call. */
const MOBILES_PER_CALL = 50;
const TOKEN_PLACEHOLDER = '<tenant_access_token>';

/** SPEC §9.4: `feishu`, `lark`, or a base URL (without /open-apis). */
export function feishuBase(domain: string): string {
  if (domain === 'feishu') return 'https://open.feishu.cn';
  if (domain === 'lark') return 'https://open.larksuite.com';
  return domain.replace(/\/+$/, '').replace(/\/open-apis$/, '');
}

/** A receiver with an optional type prefix: `email:ann@x.com`, `chat_id:oc_…`. */
export function parseReceiver(receiver: string, fallback: string): { type: string; id: string } {
  const colon = receiver.indexOf(':');
  const prefix = colon > 0 ? receiver.slice(0, colon) : '';
  return (RECEIVE_ID_TYPES as readonly string[]).includes(prefix)
    ? { type: prefix, id: receiver.slice(colon + 1) }
    : { type: fallback, id: receiver };
}

/** Where one message goes: a receive_id and its type, or a mobile whose open_id is looked up first. */
interface Destination {
  shown: string;
  type: string;
  id: string;
  mobile?: string | undefined;
}

function destinations(input: BuildInput): { list: Destination[]; missing: { entry: string; reason: string }[] } {
  const list: Destination[] = [];
  const missing: { entry: string; reason: string }[] = [];
  const fallback = option(input.target, 'receive-id-type');
  for (const entry of optionList(input.target, 'receivers')) {
    if (entry.startsWith('$')) {
      // A member: its feishu id is an open_id, else its email, else its mobile (looked up).
      const found = resolveReceivers([entry], input, STYLE);
      missing.push(...found.missing);
      for (const r of found.receivers) {
        if (r.kind === 'mobile') list.push({ shown: shown(r), type: 'open_id', id: '', mobile: r.value });
        else list.push({ shown: shown(r), type: r.kind === 'email' ? 'email' : 'open_id', id: r.value });
      }
    } else if (entry.startsWith('mobile:')) {
      const mobile = entry.slice('mobile:'.length).trim();
      list.push({ shown: shown({ kind: 'mobile', value: mobile }), type: 'open_id', id: '', mobile });
    } else {
      const { type, id } = parseReceiver(entry, fallback);
      list.push({ shown: type === 'email' ? shown({ kind: 'email', value: id }) : id, type, id });
    }
  }
  const seen = new Set<string>();
  return {
    list: list.filter((d) => {
      const key = d.mobile ? `mobile:${d.mobile}` : `${d.type}:${d.id}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
    missing,
  };
}

/** What message-refs keeps: per receiver (an opaque digest, never its email or mobile), its message id. */
export interface FeishuSent {
  to: string;
  id: string;
}

/** A receiver's key in message-refs: keyed by the app secret, so that no one can tell who it is. */
function receiverKey(input: BuildInput, d: Destination): string {
  const who = d.mobile ? `mobile:${d.mobile}` : `${d.type}:${d.id}`;
  return hmacSha256Hex(option(input.target, 'app-secret'), `feishu-app receiver|${who}`).slice(0, 16);
}

/** The message the run sent earlier to this receiver, from message-refs. */
function earlierId(input: BuildInput, d: Destination): string | undefined {
  const refs = (input.previousRef as { messages?: unknown } | undefined)?.messages;
  const to = receiverKey(input, d);
  const found = (Array.isArray(refs) ? (refs as Partial<FeishuSent>[]) : []).find(
    (ref) => ref?.to === to && typeof ref.id === 'string' && /^[\w-]+$/.test(ref.id),
  );
  return found?.id;
}

/** An update Feishu refuses because the message is recalled, too old or unknown: a new one is sent. */
function editGone(response: HttpResponse): string | undefined {
  const body = parseBody(response);
  if (body?.code === 230011) return 'it was recalled (230011)';
  if (body?.code === 230031) return 'Feishu updates messages for 14 days only (230031)';
  if (body?.code === 230001 && /message_id/i.test(String(body.msg))) return 'Feishu no longer has it (230001)';
  return undefined;
}

/** The card, within the limit, sent as a JSON string; `update_multi` lets a later step edit it. */
function cardContent(message: Message): string {
  const mentions = larkMentions(message.mentions);
  // The limit is on the card itself, which travels as a JSON string.
  const card = fitBody(
    (details) => {
      const built = feishuCard(message, details, mentions.text);
      return { ...built, config: { ...(built.config as object), update_multi: true } };
    },
    feishuDetails(message),
    FEISHU_APP_CARD_LIMIT,
    message.texts.truncated,
  );
  return JSON.stringify(card);
}

const base = (input: BuildInput) => feishuBase(option(input.target, 'domain'));
const authorized = (token: string) => ({ ...JSON_HEADERS, Authorization: `Bearer ${token}` });

function tokenRequest(input: BuildInput): HttpRequest {
  return {
    method: 'POST',
    url: `${base(input)}/open-apis/auth/v3/tenant_access_token/internal`,
    headers: { ...JSON_HEADERS },
    body: JSON.stringify({ app_id: option(input.target, 'app-id'), app_secret: option(input.target, 'app-secret') }),
  };
}

function readToken(response: HttpResponse): Outcome<string> {
  const judged = judgeCode(response, 'Feishu app authentication', 'code', 'msg', RATE_LIMITED, (code) =>
    code === 10003 || code === 10014 ? 'check app-id and app-secret' : undefined,
  );
  if (!judged.ok) return judged;
  const token = parseBody(response)?.tenant_access_token;
  return typeof token === 'string' && token
    ? { ok: true, value: token }
    : { ok: false, retryable: false, message: 'Feishu app authentication answered without a tenant_access_token' };
}

function lookupRequest(input: BuildInput, mobiles: readonly string[], token: string): HttpRequest {
  return {
    method: 'POST',
    url: `${base(input)}/open-apis/contact/v3/users/batch_get_id?user_id_type=open_id`,
    headers: authorized(token),
    body: JSON.stringify({ mobiles }),
  };
}

function messageRequest(input: BuildInput, to: { type: string; id: string }, content: string, token: string) {
  return {
    method: 'POST',
    url: `${base(input)}/open-apis/im/v1/messages?receive_id_type=${encodeURIComponent(to.type)}`,
    headers: authorized(token),
    body: JSON.stringify({ receive_id: to.id, msg_type: 'interactive', content }),
  };
}

function updateRequest(input: BuildInput, messageId: string, content: string, token: string): HttpRequest {
  return {
    method: 'PATCH',
    url: `${base(input)}/open-apis/im/v1/messages/${encodeURIComponent(messageId)}`,
    headers: authorized(token),
    body: JSON.stringify({ content }),
  };
}

/** Feishu's verdict; a rate limit waits for `x-ogw-ratelimit-reset` when the answer gives it. */
function judge(response: HttpResponse, what: string, permission: string): Outcome<HttpResponse> {
  const judged = judgeCode(response, what, 'code', 'msg', RATE_LIMITED, (code) => {
    if (code === 230002) return 'add the app (bot) to the chat';
    if (code === 99991663 || code === 99991661)
      return 'the tenant access token was refused; check app-id and app-secret';
    if (code === 230001) return 'check receivers and receive-id-type';
    if (code === 230013)
      return "the user is outside the app's availability range: add them to it and release a version";
    if (code === 99991672) return `give the app the ${permission} permission`;
    if (RATE_LIMITED.includes(code)) return 'rate limited';
    return undefined;
  });
  const reset = Number(response.headers.get('x-ogw-ratelimit-reset'));
  return !judged.ok && judged.retryable && reset > 0 ? { ...judged, retryAfterMs: reset * 1000 } : judged;
}

/** The run's tenant token for this app (SPEC §10). */
function tokens(input: BuildInput, tools: SendTools): AppSession {
  return appSession(tools, {
    app: `feishu-app|${base(input)}|${option(input.target, 'app-id')}`,
    secret: option(input.target, 'app-secret'),
    fetch: () => tools.http(tokenRequest(input), readToken),
    expired: TOKEN_INVALID,
  });
}

/** open_ids by mobile, 50 mobiles a call; a failed call is the failure of its mobiles. */
async function lookUpMobiles(
  input: BuildInput,
  mobiles: readonly string[],
  call: AppSession['call'],
): Promise<Map<string, Outcome<string>>> {
  const found = new Map<string, Outcome<string>>();
  for (let i = 0; i < mobiles.length; i += MOBILES_PER_CALL) {
    const chunk = mobiles.slice(i, i + MOBILES_PER_CALL);
    const answer = await call(
      (token) => lookupRequest(input, chunk, token),
      (response) => judge(response, 'Feishu mobile lookup', 'contact:user.id:readonly'),
    );
    const users = answer.ok
      ? ((parseBody(answer.value)?.data as { user_list?: { user_id?: unknown; mobile?: unknown }[] } | undefined)
          ?.user_list ?? [])
      : [];
    for (const mobile of chunk) {
      const user = users.find((u) => u.mobile === mobile);
      found.set(
        mobile,
        !answer.ok
          ? answer
          : typeof user?.user_id === 'string' && user.user_id
            ? { ok: true, value: user.user_id }
            : { ok: false, retryable: false, message: "Feishu found no user by this mobile in the app's range" },
      );
    }
  }
  return found;
}

export const feishuAppDeclaration: TargetMeta = {
  type: 'feishu-app',
  summary: 'Feishu/Lark self-built app: messages to chats and people',
  fields: {
    'app-id': { kind: 'text', required: true, description: 'The app id (cli_…).' },
    'app-secret': { kind: 'text', secret: true, required: true, description: 'The app secret (a credential).' },
    'receive-id-type': {
      kind: 'choice',
      values: RECEIVE_ID_TYPES,
      default: 'chat_id',
      description: 'The type of the receivers; a prefix (email:, chat_id:, open_id:) on a receiver overrides it.',
    },
    receivers: {
      kind: 'list',
      required: true,
      description:
        'Chats and people to message: ids with an optional type prefix, mobile:<number>, $creator, $committers, $<login>.',
    },
    domain: {
      kind: 'text',
      default: 'feishu',
      description: 'feishu, lark, or a base URL (without /open-apis).',
    },
  },
  mentions: { field: 'feishu', by: ['email'] },
  logins: receiverLogins,
};

export const feishuApp: SendDriver = /* @__PURE__ */ withCode<SendDriver>(feishuAppDeclaration, {
  kind: 'send',
  preview(input) {
    const { list, missing } = destinations(input);
    const content = cardContent(input.message);
    const mobiles = [...new Set(list.flatMap((d) => (d.mobile && !earlierId(input, d) ? [d.mobile] : [])))];
    const requests = [
      tokenRequest(input),
      ...Array.from({ length: Math.ceil(mobiles.length / MOBILES_PER_CALL) }, (_, i) =>
        lookupRequest(input, mobiles.slice(i * MOBILES_PER_CALL, (i + 1) * MOBILES_PER_CALL), TOKEN_PLACEHOLDER),
      ),
      ...list.map((d) => {
        const earlier = earlierId(input, d);
        if (earlier) return updateRequest(input, earlier, content, TOKEN_PLACEHOLDER);
        return messageRequest(
          input,
          d.mobile ? { type: 'open_id', id: `<open_id of ${d.shown}>` } : d,
          content,
          TOKEN_PLACEHOLDER,
        );
      }),
    ];
    const looked = list.filter((d) => d.mobile && !earlierId(input, d)).map((d) => `${d.shown} by mobile`);
    return {
      requests,
      lines: looked.length ? [`looked up when sending (not in a dry run): ${looked.join(', ')}`] : [],
      warnings: [
        ...larkMentions(input.message.mentions).warnings,
        ...missing.map((m) => `cannot send to ${m.entry}: ${m.reason}`),
      ],
    };
  },
  async send(input, tools) {
    const { list, missing } = destinations(input);
    const warnings = [
      ...larkMentions(input.message.mentions).warnings,
      ...missing.map((m) => `cannot send to ${m.entry}: ${m.reason}`),
    ];
    const unreachable: ReceiverResult[] = missing.map((m) => ({ receiver: m.entry, ok: false, error: m.reason }));
    const session = tokens(input, tools);
    if (list.length === 0)
      return { outcome: receiversOutcome(unreachable), attempts: 0, warnings, receivers: unreachable };
    const token = await session.get(false);
    // Wrong credentials: one line for the target, nothing sent to anyone.
    if (!token.ok) return { outcome: token, attempts: session.attempts(), warnings };

    // Mobiles are looked up only for receivers without an earlier message to update.
    const mobiles = [...new Set(list.flatMap((d) => (d.mobile && !earlierId(input, d) ? [d.mobile] : [])))];
    const openIds: Map<string, Outcome<string>> = mobiles.length
      ? await lookUpMobiles(input, mobiles, session.call)
      : new Map();
    const content = cardContent(input.message);
    const results: ReceiverResult[] = [];
    const refs: FeishuSent[] = [];
    for (const d of list) {
      const earlier = earlierId(input, d);
      if (earlier) {
        let gone: string | undefined;
        const updated = await session.call(
          (t) => updateRequest(input, earlier, content, t),
          (response) => {
            gone = editGone(response);
            return gone ? { ok: true, value: response } : judge(response, 'Feishu', 'im:message:send_as_bot');
          },
        );
        if (updated.ok && !gone) {
          refs.push({ to: receiverKey(input, d), id: earlier });
          results.push({ receiver: d.shown, ok: true });
          continue;
        }
        if (!updated.ok) {
          results.push({ receiver: d.shown, ok: false, error: updated.message });
          continue;
        }
        warnings.push(`the earlier message to ${d.shown} cannot be updated (${gone}): a new one is sent`);
        if (d.mobile && !openIds.has(d.mobile)) {
          const looked = await lookUpMobiles(input, [d.mobile], session.call);
          openIds.set(d.mobile, looked.get(d.mobile)!);
        }
      }
      const found: Outcome<string> = d.mobile ? openIds.get(d.mobile)! : { ok: true, value: d.id };
      if (!found.ok) {
        results.push({ receiver: d.shown, ok: false, error: found.message });
        continue;
      }
      const sent = await session.call(
        (t) => messageRequest(input, { type: d.type, id: found.value }, content, t),
        (response) => judge(response, 'Feishu', 'im:message:send_as_bot'),
      );
      if (!sent.ok) {
        results.push({ receiver: d.shown, ok: false, error: sent.message });
        continue;
      }
      const id = (parseBody(sent.value)?.data as { message_id?: unknown } | undefined)?.message_id;
      if (typeof id === 'string' && id) refs.push({ to: receiverKey(input, d), id });
      results.push({ receiver: d.shown, ok: true });
    }
    const all = [...results, ...unreachable];
    return {
      outcome: receiversOutcome(all),
      attempts: session.attempts(),
      warnings,
      receivers: all,
      ref: refs.length ? { messages: refs } : undefined,
    };
  },
});
