// A loopback Slack Web API (users.lookupByEmail, conversations.open, chat.postMessage, chat.update) that
// checks what Slack checks — the bearer token, the scopes, form-only methods, channels the bot is
// in, block limits — and answers as Slack does: HTTP 200 with `{ok, error}`, 429 + Retry-After.
import { startReceiver, type Received, type Receiver, type Reply } from './receiver.js';

export interface SlackApiOptions {
  token: string;
  /** Scopes the token holds (default: chat:write, im:write, users:read, users:read.email). */
  scopes?: string[];
  /** Email → user id. */
  users?: Record<string, string>;
  /** Channels the bot is in; `archived` ones refuse messages. */
  channels?: string[];
  /** Channels that exist but the bot is not in. */
  notIn?: string[];
  archived?: string[];
  /** chat.postMessage calls answered 429 with this Retry-After (seconds) before the others. */
  rateLimited?: { times: number; retryAfter: string };
  /** Any method's answer overridden (e.g. a revoked token). */
  error?: string;
  /** chat.update refused with this error for every message (edit_window_closed, cant_update_message). */
  updateError?: string;
}

export interface SlackApi extends Receiver {
  /**
   * What chat.postMessage accepted, with the channel and ts it answered; `body` as chat.update
   * left it. Remove an entry to stand for a deleted message.
   */
  posted: { channel: string; ts: string; body: Record<string, unknown>; edits: number }[];
  /** Calls by method name, in order. */
  calls: string[];
}

const ok = (body: Record<string, unknown>, status = 200, headers: Record<string, string> = {}): Reply => ({
  status,
  body: JSON.stringify(body),
  headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
});
const fail = (error: string, extra: Record<string, unknown> = {}) => ok({ ok: false, error, ...extra });

const NEEDS: Record<string, string> = {
  'users.lookupByEmail': 'users:read.email',
  'conversations.open': 'im:write',
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
};

/** Arguments as Slack reads them: query, form, or JSON (JSON only where Slack accepts it). */
function argumentsOf(request: Received, url: URL): Record<string, unknown> | 'json-refused' {
  const type = String(request.headers['content-type'] ?? '');
  const query = Object.fromEntries(url.searchParams);
  if (type.startsWith('application/x-www-form-urlencoded'))
    return { ...query, ...Object.fromEntries(new URLSearchParams(request.body)) };
  if (type.startsWith('application/json')) {
    // Slack ignores JSON bodies for methods that take form arguments only.
    if (url.pathname.endsWith('users.lookupByEmail')) return 'json-refused';
    try {
      return { ...query, ...(JSON.parse(request.body) as Record<string, unknown>) };
    } catch {
      return { ...query, __invalid: true };
    }
  }
  return query;
}

/** What Slack says of a message's text and blocks, when it refuses them. */
function blocksProblem(args: Record<string, unknown>): string | undefined {
  const blocks = Array.isArray(args.blocks) ? (args.blocks as { text?: { text?: string } }[]) : [];
  if (!args.text && blocks.length === 0) return 'no_text';
  if (blocks.length > 50) return 'invalid_blocks';
  for (const block of blocks) if ((block.text?.text ?? '').length > 3000) return 'invalid_blocks';
  return undefined;
}

export async function startSlackApi(options: SlackApiOptions): Promise<SlackApi> {
  const scopes = options.scopes ?? ['chat:write', 'im:write', 'users:read', 'users:read.email'];
  const users = options.users ?? {};
  const channels = new Set(options.channels ?? []);
  const posted: SlackApi['posted'] = [];
  const calls: string[] = [];
  let limited = options.rateLimited?.times ?? 0;
  let ts = 1_763_625_900_000_100;
  // A channel the bot is in, or the DM of a known user.
  const known = (channel: string) =>
    channels.has(channel) || (channel.startsWith('D') && Object.values(users).includes(`U${channel.slice(1)}`));
  const server = await startReceiver((request) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    const method = url.pathname.replace(/^.*\//, '');
    calls.push(method);
    const auth = String(request.headers.authorization ?? '');
    if (!auth) return fail('not_authed');
    if (auth !== `Bearer ${options.token}`) return fail('invalid_auth');
    if (options.error) return fail(options.error);
    const needed = NEEDS[method];
    if (!needed) return fail('unknown_method');
    if (!scopes.includes(needed)) return fail('missing_scope', { needed, provided: scopes.join(',') });
    const args = argumentsOf(request, url);
    if (args === 'json-refused') return fail('invalid_arguments');
    if (args.__invalid) return fail('invalid_json');
    switch (method) {
      case 'users.lookupByEmail': {
        const id = typeof args.email === 'string' ? users[args.email] : undefined;
        return id ? ok({ ok: true, user: { id, team_id: 'T0ACME' } }) : fail('users_not_found');
      }
      case 'conversations.open': {
        const user = String(args.users ?? '');
        if (!Object.values(users).includes(user)) return fail('user_not_found');
        return ok({ ok: true, channel: { id: `D${user.slice(1)}` } });
      }
      case 'chat.update': {
        const message = posted.find((p) => p.channel === args.channel && p.ts === args.ts);
        if (!message) return fail(known(String(args.channel ?? '')) ? 'message_not_found' : 'channel_not_found');
        if (options.updateError) return fail(options.updateError);
        const problem = blocksProblem(args);
        if (problem) return fail(problem);
        const { channel: _channel, ts: _ts, ...content } = args;
        message.body = { channel: message.channel, ...content };
        message.edits++;
        return ok({
          ok: true,
          channel: message.channel,
          ts: message.ts,
          text: args.text,
          message: { text: args.text },
        });
      }
      case 'chat.postMessage': {
        if (limited > 0) {
          limited--;
          return ok({ ok: false, error: 'ratelimited' }, 429, { 'Retry-After': options.rateLimited!.retryAfter });
        }
        const channel = String(args.channel ?? '');
        if (!channel) return fail('channel_not_found');
        if (options.archived?.includes(channel)) return fail('is_archived');
        if (options.notIn?.includes(channel)) return fail('not_in_channel');
        if (!known(channel)) return fail('channel_not_found');
        const problem = blocksProblem(args);
        if (problem) return fail(problem);
        ts += 100;
        const stamp = `${String(ts).slice(0, 10)}.${String(ts).slice(10)}`;
        posted.push({ channel, ts: stamp, body: args, edits: 0 });
        return ok({ ok: true, channel, ts: stamp, message: { text: args.text } });
      }
    }
    return fail('unknown_method');
  });
  return Object.assign(server, { posted, calls });
}
