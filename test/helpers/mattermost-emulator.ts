// A loopback Mattermost incoming webhook: checks the hook id, the body and the channel the way the
// server does, applies its Slack compatibility (<!channel> → @channel, <@id> → @user) and finds the
// @-mentions it would notify — in text, attachment text, title, pretext and field values. Text
// longer than a post is split into several posts, as the server does. Answers `ok` or its errors.
import { startReceiver, type Receiver, type Reply } from './receiver.js';

export interface MattermostOptions {
  hook: string;
  /** Channels the webhook may post to (by name); the first is its own. */
  channels?: string[];
  /** Users that exist (for `channel: @user` and `<@id>`), by id → username. */
  users?: Record<string, string>;
  /** The webhook may post only to its own channel. */
  locked?: boolean;
  first?: Reply[];
  delayMs?: number;
}

export interface MattermostPost {
  body: Record<string, unknown>;
  channel: string;
  /** Who would be notified: usernames, and channel / here / all. */
  mentions: string[];
  /** How many posts the server made of it (more than one when the text is too long). */
  posts: number;
}

export interface MattermostEmulator extends Receiver {
  webhook: string;
  accepted: MattermostPost[];
}

const MAX_POST_RUNES = 16_383;
const MAX_PROPS_RUNES = 400_000;

export const mattermostError = (status: number, id: string, message: string): Reply => ({
  status,
  body: JSON.stringify({
    id,
    message,
    detailed_error: '',
    request_id: 'k4xq7r9ztbfmtm4d1x6c8u3yhr',
    status_code: status,
  }),
  headers: { 'Content-Type': 'application/json' },
});

/** The server's Slack compatibility, applied before mentions are found. */
function processSlackText(text: string, users: Record<string, string>): string {
  return text
    .replace(/<!channel>/g, '@channel')
    .replace(/<!here>/g, '@here')
    .replace(/<!all>/g, '@all')
    .replace(/<@([a-zA-Z0-9]+)>/g, (whole, id: string) => (users[id] ? `@${users[id]}` : whole));
}

/** The @-mentions Mattermost would notify in `text`: `@` at a word start, then a username. */
export function mentionsIn(text: string): string[] {
  return [...text.matchAll(/(?:^|[^\p{L}\p{N}_.@-])@([a-z0-9][a-z0-9._-]*[a-z0-9_]|[a-z0-9])/giu)].map((m) =>
    m[1]!.toLowerCase(),
  );
}

export async function startMattermost(options: MattermostOptions): Promise<MattermostEmulator> {
  const accepted: MattermostPost[] = [];
  const first = [...(options.first ?? [])];
  const channels = options.channels ?? ['town-square'];
  const users = options.users ?? {};
  const server = await startReceiver((request) => {
    const answer = (reply: Reply): Reply => ({ ...reply, delayMs: options.delayMs });
    const early = first.shift();
    if (early) return answer(early);
    const url = new URL(request.url, 'http://127.0.0.1');
    let body: Record<string, unknown> | undefined;
    try {
      const raw = /application\/x-www-form-urlencoded/.test(String(request.headers['content-type']))
        ? (new URLSearchParams(request.body).get('payload') ?? '')
        : request.body;
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    if (!body || typeof body !== 'object')
      return answer(mattermostError(400, 'web.incoming_webhook.parse.app_error', 'Unable to parse incoming data.'));
    const text = typeof body.text === 'string' ? body.text : '';
    const attachments = Array.isArray(body.attachments) ? (body.attachments as Record<string, unknown>[]) : undefined;
    if (!text && !attachments)
      return answer(mattermostError(400, 'web.incoming_webhook.text.app_error', 'No text specified.'));
    if (url.pathname !== `/hooks/${options.hook}`)
      return answer(mattermostError(400, 'web.incoming_webhook.invalid.app_error', 'Invalid webhook.'));
    const wanted = typeof body.channel === 'string' && body.channel ? body.channel : channels[0]!;
    const exists = wanted.startsWith('@') ? Object.values(users).includes(wanted.slice(1)) : channels.includes(wanted);
    if (!exists)
      return answer(mattermostError(404, 'web.incoming_webhook.channel.app_error', "Couldn't find the channel."));
    if (options.locked && wanted !== channels[0]) {
      return answer(
        mattermostError(
          403,
          'web.incoming_webhook.channel_locked.app_error',
          'This webhook is not permitted to post to the requested channel.',
        ),
      );
    }
    if (attachments && Array.from(JSON.stringify({ attachments })).length > MAX_PROPS_RUNES) {
      return answer(
        mattermostError(
          400,
          'web.incoming_webhook.split_props_length.app_error',
          `Unable to split webhook props into ${MAX_PROPS_RUNES} character parts.`,
        ),
      );
    }
    const seen = [processSlackText(text, users)];
    for (const a of attachments ?? []) {
      for (const key of ['pretext', 'text', 'title'])
        if (typeof a[key] === 'string') seen.push(processSlackText(a[key], users));
      for (const f of (a.fields as { value?: unknown }[] | undefined) ?? [])
        if (f.value !== undefined) seen.push(processSlackText(String(f.value), users));
    }
    accepted.push({
      body,
      channel: wanted,
      mentions: [...new Set(seen.flatMap(mentionsIn))],
      posts: Math.max(1, Math.ceil(Array.from(text).length / MAX_POST_RUNES)),
    });
    return answer({ status: 200, body: 'ok', headers: { 'Content-Type': 'text/plain' } });
  });
  return Object.assign(server, { webhook: `${server.url}/hooks/${options.hook}`, accepted });
}
