// Slack app (bot token): messages to channels and to people directly. An email is looked up with
// users.lookupByEmail, a user's DM is opened with conversations.open, then chat.postMessage sends
// the same blocks as the webhook target, or chat.update edits what the run sent there earlier
// (SPEC §11). Slack answers HTTP 200 with `{ok: false, error}`.
import { judgeHttp, type HttpRequest, type HttpResponse, type Outcome } from '../http.js';
import { receiverLogins, receiversOutcome, resolveReceivers, shown, type Receiver } from './receivers.js';
import { slackBody, type SlackBody } from './slack.js';
import {
  JSON_HEADERS,
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

export const SLACK_API = 'https://slack.com/api';
const STYLE = { field: 'slack', by: ['email'] } as const;

/** Errors that mean the token itself is refused: nothing else can succeed, so nothing is retried. */
const CREDENTIALS: Record<string, string> = {
  invalid_auth: 'the token is not valid: set token to the Bot User OAuth Token (xoxb-…)',
  not_authed: 'no token reached Slack: set token to the Bot User OAuth Token (xoxb-…)',
  account_inactive: "the token's bot or user was deactivated: reinstall the app and use its new token",
  token_revoked: 'the token was revoked: reinstall the app and use its new token',
  token_expired: 'the token expired: use a bot token without token rotation, or a fresh one',
};

const HINTS: Record<string, string> = {
  users_not_found: 'no Slack user has this email',
  user_not_found: 'no Slack user has this id',
  channel_not_found: 'no such channel, or a private channel the app was not invited to',
  not_in_channel: 'the app is not in this channel: invite it (/invite @<app name>)',
  is_archived: 'the channel is archived',
  cannot_dm_bot: 'a bot cannot be messaged directly',
  user_disabled: 'this user is deactivated',
  msg_too_long: 'the message is too long for Slack',
  restricted_action: 'a workspace admin restricted posting to this channel',
};

/** chat.update errors that mean the earlier message cannot be edited: a new one is posted instead. */
const GONE: Record<string, string> = {
  message_not_found: 'it was deleted',
  cant_update_message: 'Slack does not let the app edit it',
  edit_window_closed: "the workspace's time limit for edits has passed",
};

/** Where this target's messages went earlier in the run (its own message-refs entry). */
export interface SlackSent {
  channel: string;
  ts: string;
}

/** The ts of the message the run sent earlier to `channel`, from message-refs. */
function earlierTs(input: BuildInput, channel: string): string | undefined {
  const refs: unknown[] = Array.isArray(input.previousRef) ? input.previousRef : [];
  const found = refs.find(
    (ref): ref is SlackSent =>
      typeof ref === 'object' &&
      ref !== null &&
      (ref as SlackSent).channel === channel &&
      typeof (ref as SlackSent).ts === 'string',
  );
  return found?.ts;
}

/** The API base as configured, without a trailing slash. */
function apiBase(input: BuildInput): string {
  return (option(input.target, 'api-url') || SLACK_API).replace(/\/+$/, '');
}

function headers(token: string, json: boolean): Record<string, string> {
  return { ...(json ? JSON_HEADERS : {}), Authorization: `Bearer ${token}` };
}

/** A `U…`/`W…` id is a person, whose DM must be opened; anything else is a channel. */
const isUser = (id: string) => /^[UW][A-Z0-9]+$/.test(id);

/** Slack's verdict on an answer of `method`: the value is the answer's JSON. */
export function judgeSlack(method: string, response: HttpResponse): Outcome<Record<string, unknown>> {
  const judged = judgeHttp(response);
  if (!judged.ok) {
    const rateLimited = response.status === 429;
    return rateLimited
      ? { ...judged, message: `Slack rate limited ${method} (HTTP 429)`, code: 'ratelimited' }
      : { ...judged, message: `Slack ${method}: ${judged.message}` };
  }
  const body = parseBody(response);
  if (!body) return { ok: false, retryable: false, message: `Slack ${method} answered without JSON` };
  if (body.ok === true) return { ok: true, value: body };
  const error = typeof body.error === 'string' ? body.error : 'unknown_error';
  const prefix = `Slack refused ${method} (${error})`;
  if (Object.hasOwn(CREDENTIALS, error)) {
    return { ok: false, retryable: false, message: `${prefix}: ${CREDENTIALS[error]}`, code: error };
  }
  if (error === 'missing_scope') {
    const needed = typeof body.needed === 'string' ? body.needed : 'the scope this call needs';
    return {
      ok: false,
      retryable: false,
      message: `${prefix}: add the ${needed} scope under OAuth & Permissions and reinstall the app`,
      code: error,
    };
  }
  if (error === 'ratelimited') return { ok: false, retryable: true, message: prefix, code: error };
  const hint = Object.hasOwn(HINTS, error) ? `: ${HINTS[error]}` : '';
  return { ok: false, retryable: false, message: `${prefix}${hint}`, code: error };
}

/** The requests for one receiver, with placeholders for what only a look-up can tell. */
function plan(receiver: Receiver, input: BuildInput, token: string, message: SlackBody) {
  const base = apiBase(input);
  const lookup: HttpRequest | undefined =
    receiver.kind === 'email'
      ? {
          method: 'GET',
          url: `${base}/users.lookupByEmail?email=${encodeURIComponent(receiver.value)}`,
          headers: headers(token, false),
        }
      : undefined;
  const open = (user: string): HttpRequest => ({
    method: 'POST',
    url: `${base}/conversations.open`,
    headers: headers(token, true),
    body: JSON.stringify({ users: user }),
  });
  const post = (channel: string): HttpRequest => ({
    method: 'POST',
    url: `${base}/chat.postMessage`,
    headers: headers(token, true),
    body: JSON.stringify({ channel, ...message }),
  });
  const update = (channel: string, ts: string): HttpRequest => ({
    method: 'POST',
    url: `${base}/chat.update`,
    headers: headers(token, true),
    body: JSON.stringify({ channel, ts, ...message }),
  });
  return { lookup, open, post, update };
}

function receiversOf(input: BuildInput) {
  return resolveReceivers(optionList(input.target, 'receivers'), input, STYLE);
}

/**
 * Sends to one receiver: look-up, DM, then an update of the run's earlier message there or a new
 * message. The value is where the message is.
 */
async function sendOne(
  receiver: Receiver,
  input: BuildInput,
  tools: SendTools,
  message: SlackBody,
  warnings: string[],
): Promise<{ outcome: Outcome<SlackSent>; attempts: number }> {
  const steps = plan(receiver, input, option(input.target, 'token'), message);
  let attempts = 0;
  const call = async (method: string, request: HttpRequest) => {
    const sent = await tools.http(request, (response) => judgeSlack(method, response));
    attempts += sent.attempts;
    return sent.outcome;
  };
  let target = receiver.value;
  if (steps.lookup) {
    const found = await call('users.lookupByEmail', steps.lookup);
    if (!found.ok) return { outcome: found, attempts };
    const user = (found.value.user as { id?: unknown } | undefined)?.id;
    if (typeof user !== 'string') return { outcome: unreadable('users.lookupByEmail'), attempts };
    target = user;
  }
  if (isUser(target)) {
    const opened = await call('conversations.open', steps.open(target));
    if (!opened.ok) return { outcome: opened, attempts };
    const channel = (opened.value.channel as { id?: unknown } | undefined)?.id;
    if (typeof channel !== 'string') return { outcome: unreadable('conversations.open'), attempts };
    target = channel;
  }
  const earlier = earlierTs(input, target);
  if (earlier) {
    const updated = await call('chat.update', steps.update(target, earlier));
    if (updated.ok) return { outcome: { ok: true, value: { channel: target, ts: earlier } }, attempts };
    const why = updated.code && Object.hasOwn(GONE, updated.code) ? GONE[updated.code] : undefined;
    if (!why) return { outcome: updated, attempts };
    warnings.push(
      `the earlier message to ${shown(receiver)} cannot be updated (${updated.code}: ${why}): a new one is sent`,
    );
  }
  const posted = await call('chat.postMessage', steps.post(target));
  if (!posted.ok) return { outcome: posted, attempts };
  const channel = typeof posted.value.channel === 'string' ? posted.value.channel : target;
  const ts = typeof posted.value.ts === 'string' ? posted.value.ts : '';
  return { outcome: { ok: true, value: { channel, ts } }, attempts };
}

const unreadable = (method: string): Outcome<never> => ({
  ok: false,
  retryable: false,
  message: `Slack ${method} answered without the id it should hold`,
});

export const slackAppDeclaration: TargetMeta = {
  type: 'slack-app',
  summary: 'Slack app (bot token): messages to channels and to people directly',
  fields: {
    token: {
      kind: 'text',
      secret: true,
      required: true,
      description: 'The Bot User OAuth Token, xoxb-… (scopes chat:write, im:write, users:read.email; a credential).',
    },
    receivers: {
      kind: 'list',
      required: true,
      description: 'Channel ids (C…, G…), user ids (U…, W…), emails, $creator, $committers, $<login>.',
    },
    'api-url': {
      kind: 'url',
      default: SLACK_API,
      description: "The Slack Web API's base address; the program appends /<method>.",
    },
  },
  mentions: { field: 'slack', by: [] },
  logins: receiverLogins,
};

export const slackApp: SendDriver = /* @__PURE__ */ withCode<SendDriver>(slackAppDeclaration, {
  kind: 'send',
  preview(input) {
    const { body, warnings } = slackBody(input.message);
    const { receivers, missing } = receiversOf(input);
    const requests: HttpRequest[] = [];
    const lines: string[] = [];
    for (const receiver of receivers) {
      const steps = plan(receiver, input, '<token>', body);
      const who = shown(receiver);
      let channel = receiver.value;
      if (steps.lookup) {
        requests.push(steps.lookup);
        lines.push(`${who}: looked up with users.lookupByEmail when sending (not in a dry run)`);
        channel = `<user of ${who}>`;
      }
      if (steps.lookup || isUser(receiver.value)) {
        requests.push(steps.open(steps.lookup ? `<user of ${who}>` : receiver.value));
        channel = `<DM of ${who}>`;
      }
      const ts = earlierTs(input, channel);
      requests.push(ts ? steps.update(channel, ts) : steps.post(channel));
      if (!ts && channel.startsWith('<DM') && input.previousRef !== undefined)
        lines.push(`${who}: the run's earlier message in the DM is updated when message-refs holds it`);
    }
    return {
      requests,
      lines,
      warnings: [...warnings, ...missing.map((m) => `receiver ${m.entry} is skipped: ${m.reason}`)],
    };
  },
  async send(input, tools): Promise<SendResult> {
    const { body, warnings } = slackBody(input.message);
    const { receivers, missing } = receiversOf(input);
    const results: ReceiverResult[] = [];
    const ref: SlackSent[] = [];
    const said = [...warnings];
    let attempts = 0;
    for (const receiver of receivers) {
      const sent = await sendOne(receiver, input, tools, body, said);
      attempts += sent.attempts;
      const outcome = sent.outcome;
      if (!outcome.ok && outcome.code && Object.hasOwn(CREDENTIALS, outcome.code)) {
        // The token is refused: every other receiver would be too, so one line says it.
        return { outcome, attempts, warnings: said };
      }
      if (outcome.ok) ref.push(outcome.value);
      results.push({ receiver: shown(receiver), ok: outcome.ok, error: outcome.ok ? undefined : outcome.message });
    }
    results.push(...missing.map((m) => ({ receiver: m.entry, ok: false, error: m.reason })));
    return {
      outcome: receiversOutcome(results),
      attempts,
      warnings: said,
      receivers: results,
      ...(ref.length ? { ref } : {}),
    };
  },
});
