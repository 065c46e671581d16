// The one place that talks to the network: node:http / node:https (cheaper to start than the
// built-in fetch, which loads undici on first use), a per-attempt timeout that covers the whole
// answer, no redirects followed, and one retry loop for deliveries and API reads.
import { request as httpRequest, type IncomingMessage } from 'node:http';

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | undefined;
}

export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: ResponseHeaders;
  text: string;
}

/** Answers larger than this are cut: only their start is ever read (status, error text). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export type Outcome<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      retryable: boolean;
      message: string;
      retryAfterMs?: number | undefined;
      /** The vendor's own error code, when it gave one. */
      code?: string | undefined;
    };

export interface RetryPolicy {
  retries: number;
  timeoutMs: number;
  /** First backoff step; later ones double. */
  backoffMs?: number;
}

export interface RetryResult<T> {
  outcome: Outcome<T>;
  attempts: number;
  ms: number;
}

const MAX_WAIT_MS = 30_000;
const MIN_BUDGET_MS = 60_000;

const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

const NETWORK_HINTS: Record<string, string> = {
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved right now',
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  CERT_HAS_EXPIRED: "the server's TLS certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's TLS certificate is self-signed (not trusted)",
  SELF_SIGNED_CERT_IN_CHAIN: "the server's TLS certificate chain is not trusted",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's TLS certificate is not trusted",
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's TLS certificate is for another host",
};

/** The innermost error code of a network failure (a wrapped error carries it in `cause`). */
function errorCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return 'UNKNOWN';
}

function headersOf(message: IncomingMessage): ResponseHeaders {
  return {
    get(name: string): string | null {
      const value = message.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

function networkOutcome(error: unknown): Outcome<HttpResponse> {
  const code = errorCode(error);
  const hint = NETWORK_HINTS[code] ?? (error as Error).message;
  return { ok: false, retryable: RETRYABLE_CODES.has(code), message: `${hint} (${code})` };
}

let httpsRequest: typeof httpRequest | undefined;

/** One attempt. Network failures become a retryable or final Outcome, never an exception. */
export async function fetchOnce(request: HttpRequest, timeoutMs: number): Promise<Outcome<HttpResponse>> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return { ok: false, retryable: false, message: 'not a valid address' };
  }
  // TLS costs a few milliseconds to load: only for https addresses.
  if (url.protocol === 'https:') httpsRequest ??= (await import('node:https')).request;
  const send = url.protocol === 'https:' && httpsRequest ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
    const headers: Record<string, string> = { ...request.headers };
    if (body) headers['Content-Length'] = String(body.length);
    let settled = false;
    const finish = (outcome: Outcome<HttpResponse>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const outgoing = send(url, { method: request.method, headers }, (incoming) => {
      const chunks: Buffer[] = [];
      let size = 0;
      incoming.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      incoming.on('error', (error) => finish(networkOutcome(error)));
      incoming.on('end', () =>
        finish({
          ok: true,
          value: {
            status: incoming.statusCode ?? 0,
            statusText: incoming.statusMessage ?? '',
            headers: headersOf(incoming),
            text: Buffer.concat(chunks).toString('utf8'),
          },
        }),
      );
    });
    // The time limit covers the whole answer, so a server dribbling bytes is cut too.
    const timer = setTimeout(
      () => {
        finish({ ok: false, retryable: true, message: `no answer within ${formatSeconds(timeoutMs)}` });
        outgoing.destroy();
      },
      Math.max(1, Math.round(timeoutMs)),
    );
    outgoing.on('error', (error) => finish(networkOutcome(error)));
    outgoing.end(body);
  });
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The first characters of a body, on one line, for an error message. */
export function snippet(text: string, max = 200): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** Plain HTTP judgement: 2xx delivered; 408, 429 and 5xx retryable; other answers final. */
export function judgeHttp(response: HttpResponse): Outcome<HttpResponse> {
  if (response.status >= 200 && response.status < 300) return { ok: true, value: response };
  const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
  const body = snippet(response.text);
  let message = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${body ? `: ${body}` : ''}`;
  if (response.status >= 300 && response.status < 400) {
    message = `HTTP ${response.status}: the address redirects elsewhere; configure the final address`;
  }
  return { ok: false, retryable, message, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) };
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

/**
 * Runs `attempt` until it succeeds, fails for good, or the budget ends (SPEC §7, §9.12): each
 * wait (exponential backoff with jitter, or the server's Retry-After) is capped at 30 s, and all
 * attempts end within max(60 s, timeout × attempts).
 */
export async function withRetry<T>(
  attempt: (timeoutMs: number) => Promise<Outcome<T>>,
  policy: RetryPolicy,
  clock: Clock = realClock,
): Promise<RetryResult<T>> {
  const start = clock.now();
  const budget = Math.max(MIN_BUDGET_MS, policy.timeoutMs * (policy.retries + 1));
  const backoff = policy.backoffMs ?? 1000;
  let attempts = 0;
  for (;;) {
    attempts++;
    const remaining = budget - (clock.now() - start);
    const outcome = await attempt(Math.min(policy.timeoutMs, remaining));
    if (outcome.ok || !outcome.retryable || attempts > policy.retries) {
      return { outcome, attempts, ms: clock.now() - start };
    }
    const step = backoff * 2 ** (attempts - 1);
    const jittered = step / 2 + (clock.random() * step) / 2;
    const wait = Math.min(MAX_WAIT_MS, outcome.retryAfterMs ?? jittered);
    if (clock.now() - start + wait >= budget) {
      return { outcome, attempts, ms: clock.now() - start };
    }
    await clock.sleep(wait);
  }
}
