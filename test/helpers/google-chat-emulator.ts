// A loopback Google Chat webhook: checks the key and token in the address, the fields Google
// knows, the 4,096-character text and the 32,000-byte message, and answers with Google's bodies.
// Messages with the same threadKey and REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD share a thread.
import { startReceiver, type Receiver, type Reply } from './receiver.js';

export interface GoogleChatOptions {
  space: string;
  key: string;
  token: string;
  first?: Reply[];
  delayMs?: number;
}

export interface GoogleChatMessage {
  /** The thread the message landed in. */
  thread: string;
  body: Record<string, unknown>;
  /** `<users/…>` mentions found in `text`. */
  mentions: string[];
}

export interface GoogleChatEmulator extends Receiver {
  webhook: string;
  accepted: GoogleChatMessage[];
}

const googleError = (code: number, status: string, message: string, details?: unknown[]): Reply => ({
  status: code,
  body: JSON.stringify({ error: { code, message, status, ...(details ? { details } : {}) } }, null, 2),
  headers: { 'Content-Type': 'application/json; charset=UTF-8' },
});

export const googleChatRateLimit: Reply = {
  ...googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).'),
};

const FIELDS = new Set(['text', 'cardsV2', 'cards', 'thread', 'fallbackText', 'accessoryWidgets']);

export async function startGoogleChat(options: GoogleChatOptions): Promise<GoogleChatEmulator> {
  const accepted: GoogleChatMessage[] = [];
  const first = [...(options.first ?? [])];
  const path = `/v1/spaces/${options.space}/messages`;
  let count = 0;
  const server = await startReceiver((request) => {
    const answer = (reply: Reply): Reply => ({ ...reply, delayMs: options.delayMs });
    const early = first.shift();
    if (early) return answer(early);
    const url = new URL(request.url, 'http://127.0.0.1');
    if (url.searchParams.get('key') !== options.key) {
      return answer(
        googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'API_KEY_INVALID',
            domain: 'googleapis.com',
            metadata: { service: 'chat.googleapis.com' },
          },
        ]),
      );
    }
    if (url.pathname !== path) return answer(googleError(404, 'NOT_FOUND', 'Requested entity was not found.'));
    if (url.searchParams.get('token') !== options.token) {
      return answer(
        googleError(
          403,
          'PERMISSION_DENIED',
          'The API is called without a valid token. Instructions on how to use incoming webhooks can be found at https://developers.google.com/chat/how-tos/webhooks',
        ),
      );
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(request.body) as Record<string, unknown>;
    } catch {
      return answer(googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received. Unexpected token.'));
    }
    const unknown = Object.keys(body).find((key) => !FIELDS.has(key));
    if (unknown)
      return answer(
        googleError(
          400,
          'INVALID_ARGUMENT',
          `Invalid JSON payload received. Unknown name "${unknown}": Cannot find field.`,
        ),
      );
    const text = typeof body.text === 'string' ? body.text : '';
    const cards = Array.isArray(body.cardsV2) ? (body.cardsV2 as { cardId?: unknown; card?: unknown }[]) : [];
    if (!text && cards.length === 0) return answer(googleError(400, 'INVALID_ARGUMENT', 'Message cannot be empty.'));
    if (Array.from(text).length > 4096) {
      return answer(
        googleError(
          400,
          'INVALID_ARGUMENT',
          'Maximum length of the field is 4096. Field: apps.dynamite.CreateMessageInfo.text_body',
        ),
      );
    }
    if (cards.some((c) => typeof c.cardId !== 'string' || !c.card || typeof c.card !== 'object'))
      return answer(googleError(400, 'INVALID_ARGUMENT', 'Invalid cardsV2: every card needs cardId and card.'));
    if (Buffer.byteLength(request.body) > 32_000)
      return answer(googleError(400, 'INVALID_ARGUMENT', 'Message is too large: the limit is 32000 bytes.'));
    count++;
    const key = (body.thread as { threadKey?: unknown } | undefined)?.threadKey ?? url.searchParams.get('threadKey');
    const reply = url.searchParams.get('messageReplyOption') === 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD';
    const thread = `spaces/${options.space}/threads/${reply && typeof key === 'string' ? `k-${key}` : `t${count}`}`;
    const mentions = [...text.matchAll(/<users\/([^>]+)>/g)].map((m) => m[1]!);
    accepted.push({ thread, body, mentions });
    return answer({
      status: 200,
      headers: { 'Content-Type': 'application/json; charset=UTF-8' },
      body: JSON.stringify({
        name: `spaces/${options.space}/messages/m${count}.m${count}`,
        sender: { name: 'users/114022495153014004089', displayName: 'CI', type: 'BOT' },
        text,
        cardsV2: body.cardsV2,
        thread: { name: thread, ...(reply && typeof key === 'string' ? { threadKey: key } : {}) },
        space: { name: `spaces/${options.space}`, type: 'ROOM', spaceType: 'SPACE' },
        createTime: '2026-11-20T08:05:00.123455Z',
      }),
    });
  });
  return Object.assign(server, {
    webhook: `${server.url}${path}?key=${options.key}&token=${options.token}`,
    accepted,
  });
}
