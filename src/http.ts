// The one place that talks to the network: node:http / node:https (cheaper to start than the
// built-in fetch, which loads undici on first use), a per-attempt timeout that covers the whole
// answer, no redirects followed, no connection kept open after its request, and one retry loop
// for deliveries and API reads.
import {
  Agent as HttpAgent,
  request as httpRequest,
  validateHeaderName,
  validateHeaderValue,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import type { LookupFunction } from 'node:net';
import { USER_AGENT } from './version.js';

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
  /** The answer decoded (gzip, deflate, br, zstd) and redacted when a `redact` was given. */
  text: string;
}

/** Answers larger than this are cut: only their start is ever read (status, error text). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * A failure may carry the wait before the next attempt. For target authors:
 * - `retryAfterMs` alone (Retry-After, Discord `retry_after`): a hint, capped at 30 s.
 * - with `waitAtLeast: true` (a per-minute rate limit such as DingTalk 130101, 60 s): the wait is
 *   honoured in full; the attempt is retried only when that wait fits the target's budget, and
 *   otherwise the failure is returned at once, so say the limit in `message` ("20 messages a
 *   minute per robot").
 */
export type Outcome<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      retryable: boolean;
      message: string;
      retryAfterMs?: number | undefined;
      waitAtLeast?: boolean | undefined;
      /** The vendor's own error code, when it gave one. */
      code?: string | undefined;
    };

export interface RetryPolicy {
  retries: number;
  timeoutMs: number;
  /** First backoff step; later ones double. */
  backoffMs?: number;
  /** Hides registered secrets: applied to every answer and error text before anyone cuts it. */
  redact?: ((text: string) => string) | undefined;
}

/** The retry policy of the `retries` and `timeout-seconds` inputs, redacting with `redact`. */
export function retryPolicy(
  settings: { retries: number; timeoutSeconds: number },
  redact?: ((text: string) => string) | undefined,
): RetryPolicy {
  return { retries: settings.retries, timeoutMs: settings.timeoutSeconds * 1000, redact };
}

export interface FetchOptions {
  /** Hides registered secrets in the answer text and in error messages. */
  redact?: ((text: string) => string) | undefined;
  /** Name resolution, for tests that simulate a resolver that never answers. */
  lookup?: LookupFunction | undefined;
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
  const hint = Object.hasOwn(NETWORK_HINTS, code) ? NETWORK_HINTS[code] : String((error as Error)?.message ?? error);
  return { ok: false, retryable: RETRYABLE_CODES.has(code), message: `${hint} (${code})` };
}

const final = (message: string): Outcome<HttpResponse> => ({ ok: false, retryable: false, message });

/** The header names and values as they will be sent: our defaults added, every one checked. */
function outgoingHeaders(request: HttpRequest, body: Buffer | undefined): Record<string, string> | string {
  const headers: Record<string, string> = {};
  const names = new Set<string>();
  for (const [name, value] of Object.entries(request.headers)) {
    try {
      validateHeaderName(name);
    } catch {
      return `"${printableName(name)}" is not a valid header name`;
    }
    try {
      validateHeaderValue(name, value);
    } catch {
      return `the value of header "${name}" cannot be sent (a line break, control character or character outside Latin-1)`;
    }
    headers[name] = value;
    names.add(name.toLowerCase());
  }
  if (!names.has('user-agent')) headers['User-Agent'] = USER_AGENT;
  // Asked for plain answers; compressed ones are decoded anyway (some servers ignore the ask).
  if (!names.has('accept-encoding')) headers['Accept-Encoding'] = 'identity';
  if (body) headers['Content-Length'] = String(body.length);
  return headers;
}

/** A header name for an error message: short, one line, nothing unprintable. */
function printableName(name: string): string {
  const shown = name.replace(/[^\x20-\x7e]/g, '?');
  return shown.length > 40 ? `${shown.slice(0, 40)}…` : shown;
}

let httpsModule: typeof import('node:https') | undefined;
let zlibModule: typeof import('node:zlib') | undefined;
/** The proxy variables in force (see useProxyFromEnv); undefined when none is set. */
let proxyEnv: Record<string, string> | undefined;

/**
 * One attempt. Whatever happens — a bad address, method or header, a network failure, a
 * malformed answer — the result is an Outcome, never an exception.
 */
export async function fetchOnce(
  request: HttpRequest,
  timeoutMs: number,
  options: FetchOptions = {},
): Promise<Outcome<HttpResponse>> {
  const redact = options.redact ?? ((text: string) => text);
  let outcome: Outcome<HttpResponse>;
  try {
    outcome = await attemptRequest(request, timeoutMs, options.lookup);
  } catch (error) {
    outcome = final(`the request could not be made (${errorCode(error)})`);
  }
  if (!outcome.ok) return { ...outcome, message: redact(outcome.message) };
  return { ok: true, value: { ...outcome.value, text: redact(outcome.value.text) } };
}

async function attemptRequest(
  request: HttpRequest,
  timeoutMs: number,
  lookup: LookupFunction | undefined,
): Promise<Outcome<HttpResponse>> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return final('not a valid address');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return final('not an http or https address');
  if (typeof request.method !== 'string' || !/^[A-Za-z]+$/.test(request.method)) {
    return final('not a valid HTTP method');
  }
  const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
  const headers = outgoingHeaders(request, body);
  if (typeof headers === 'string') return final(headers);
  const https = url.protocol === 'https:';
  // TLS costs a few milliseconds to load: only for https addresses.
  if (https) httpsModule ??= await import('node:https');
  const send = https && httpsModule ? httpsModule.request : httpRequest;
  // A fresh agent without keep-alive: the socket closes with its answer, so nothing outlives the run.
  const agentOptions = { keepAlive: false, proxyEnv };
  const agent = https && httpsModule ? new httpsModule.Agent(agentOptions) : new HttpAgent(agentOptions);
  const requestOptions: RequestOptions = { method: request.method.toUpperCase(), headers, agent };
  if (lookup) requestOptions.lookup = lookup;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Outcome<HttpResponse>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outgoing.destroy();
      agent.destroy();
      resolve(outcome);
    };
    const outgoing = send(url, requestOptions, (incoming) => {
      const chunks: Buffer[] = [];
      let size = 0;
      incoming.on('data', (chunk: Buffer) => {
        if (size < MAX_BODY_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      incoming.on('error', (error) => finish(networkOutcome(error)));
      incoming.on('end', () => {
        const encoding = incoming.headers['content-encoding'] ?? '';
        decodeBody(Buffer.concat(chunks), encoding).then(
          (decoded) =>
            finish({
              ok: true,
              value: {
                status: incoming.statusCode ?? 0,
                statusText: incoming.statusMessage ?? '',
                headers: headersOf(incoming),
                text: decoded.toString('utf8'),
              },
            }),
          (error: unknown) => finish(networkOutcome(error)),
        );
      });
    });
    // The time limit covers the whole answer (name lookup and connection included), so a
    // resolver that never answers or a server dribbling bytes is cut too.
    const timer = setTimeout(
      () => finish({ ok: false, retryable: true, message: `no answer within ${formatSeconds(timeoutMs)}` }),
      Math.max(1, Math.round(timeoutMs)),
    );
    outgoing.on('error', (error) => finish(networkOutcome(error)));
    outgoing.end(body);
  });
}

/**
 * Undoes `Content-Encoding` (listed in the order applied), at most MAX_BODY_BYTES out so a
 * compressed bomb stays small; an unknown coding leaves the bytes as they are.
 */
async function decodeBody(raw: Buffer, contentEncoding: string): Promise<Buffer> {
  const codings = contentEncoding
    .toLowerCase()
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding !== '' && coding !== 'identity');
  let data = raw;
  for (const coding of codings.reverse()) {
    zlibModule ??= await import('node:zlib');
    const zlib = zlibModule;
    const decoders: Record<string, (() => import('node:stream').Transform) | undefined> = {
      gzip: () => zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH }),
      'x-gzip': () => zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH }),
      // "deflate" is zlib-wrapped by the standard and raw by some servers: unzip tells them apart.
      deflate: () => zlib.createUnzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH }),
      br: () => zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH }),
      zstd: typeof zlib.createZstdDecompress === 'function' ? () => zlib.createZstdDecompress() : undefined,
    };
    const decoder = Object.hasOwn(decoders, coding) ? decoders[coding] : undefined;
    if (!decoder) return data;
    data = await inflate(data, coding === 'deflate' ? () => rawOrWrapped(zlib, data) : decoder);
  }
  return data;
}

/** Raw deflate has no zlib header (its first byte's low nibble is not 8). */
function rawOrWrapped(zlib: typeof import('node:zlib'), data: Buffer): import('node:stream').Transform {
  const wrapped =
    data.length >= 2 && ((data[0] ?? 0) & 0x0f) === 8 && ((data[0] ?? 0) * 256 + (data[1] ?? 0)) % 31 === 0;
  return wrapped
    ? zlib.createInflate({ finishFlush: zlib.constants.Z_SYNC_FLUSH })
    : zlib.createInflateRaw({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
}

/** Runs one decoder over `data`, keeping what came out before an error or the size limit. */
function inflate(data: Buffer, create: () => import('node:stream').Transform): Promise<Buffer> {
  return new Promise((resolve) => {
    const stream = create();
    const out: Buffer[] = [];
    let size = 0;
    let done = false;
    const end = () => {
      if (done) return;
      done = true;
      stream.destroy();
      resolve(Buffer.concat(out).subarray(0, MAX_BODY_BYTES));
    };
    stream.on('data', (chunk: Buffer) => {
      out.push(chunk);
      size += chunk.length;
      if (size >= MAX_BODY_BYTES) end();
    });
    stream.on('end', end);
    stream.on('error', end);
    stream.end(data);
  });
}

/** The proxy variables, in either case, as Node reads them. */
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'];

/**
 * Honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case) for every later request, as the
 * runner's own tools do, with no other setting. Call once, before the first request. Returns the
 * credentials of the proxy addresses (to register as secrets) and one line per unusable variable.
 */
export function useProxyFromEnv(env: Readonly<Record<string, string | undefined>>): {
  secrets: string[];
  problems: string[];
} {
  const secrets: string[] = [];
  const problems: string[] = [];
  const kept: Record<string, string> = {};
  for (const name of PROXY_VARIABLES) {
    const value = env[name]?.trim();
    if (!value) continue;
    if (!/no_proxy/i.test(name)) {
      secrets.push(...credentialsOfUrl(value));
      if (!URL.canParse(value)) {
        problems.push(`${name} is not a valid proxy address; it is ignored`);
        continue;
      }
    }
    kept[name] = value;
  }
  proxyEnv = Object.keys(kept).some((name) => !/no_proxy/i.test(name)) ? kept : undefined;
  return { secrets, problems };
}

/** Headers whose values are never credentials; every other header value the program sends is. */
const HARMLESS_HEADERS = new Set([
  'content-type',
  'content-length',
  'user-agent',
  'x-zadig-event',
  'x-zadig-event-uuid',
  'x-zadig-webhook-uuid',
  'x-zadig-instance',
  'x-workflow-notify-test',
]);

/**
 * The credentials a request carries, for the redactor (register them before sending): every
 * header value but the harmless ones, the token after `Bearer ` / `Basic ` (or any scheme of an
 * Authorization header), the decoded `user:pass` of Basic and each of its parts, and the user
 * name and password in the address.
 */
export function secretsOfRequest(request: HttpRequest): string[] {
  const secrets: string[] = [];
  for (const [name, rawValue] of Object.entries(request.headers)) {
    const lower = name.toLowerCase();
    if (HARMLESS_HEADERS.has(lower) || lower.startsWith('accept')) continue;
    const value = String(rawValue).trim();
    if (!value) continue;
    secrets.push(value);
    const scheme = /^(\S+)\s+(\S.*)$/.exec(value);
    if (scheme && (lower.endsWith('authorization') || /^(bearer|basic)$/i.test(scheme[1] ?? ''))) {
      const token = (scheme[2] ?? '').trim();
      secrets.push(token);
      if (/^basic$/i.test(scheme[1] ?? '')) secrets.push(...basicParts(token));
    }
  }
  secrets.push(...credentialsOfUrl(request.url));
  return [...new Set(secrets.filter((secret) => secret !== ''))];
}

/** `user:pass` and each part, from a Basic token (base64); nothing when it does not decode. */
function basicParts(token: string): string[] {
  if (!/^[A-Za-z0-9+/=_-]+$/.test(token)) return [];
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0 || decoded.includes('\ufffd')) return [];
  return [decoded, decoded.slice(0, colon), decoded.slice(colon + 1)];
}

/** The user name and password of an address, as written and decoded, and `user:pass`. */
function credentialsOfUrl(address: string): string[] {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    // Not an address: the part before an "@" may still be credentials.
    const at = /^[a-z][a-z0-9+.-]*:\/\/([^/@]*)@/i.exec(address.trim());
    return at?.[1] ? [at[1], ...at[1].split(':')] : [];
  }
  if (!url.username && !url.password) return [];
  const user = decodeSafe(url.username);
  const pass = decodeSafe(url.password);
  return [url.username, url.password, user, pass, `${user}:${pass}`].filter((part) => part !== '');
}

function decodeSafe(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
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
 * attempts end within max(60 s, timeout × attempts). A wait marked `waitAtLeast` (a rate-limit
 * window) is never shortened: it is waited in full when it fits the budget, else not at all.
 */
export async function withRetry<T>(
  attempt: (timeoutMs: number) => Promise<Outcome<T>>,
  policy: RetryPolicy,
  clock: Clock = realClock,
): Promise<RetryResult<T>> {
  const start = clock.now();
  const budget = Math.max(MIN_BUDGET_MS, policy.timeoutMs * (policy.retries + 1));
  const backoff = policy.backoffMs ?? 1000;
  const done = (outcome: Outcome<T>, attempts: number): RetryResult<T> => ({
    outcome: outcome.ok || !policy.redact ? outcome : { ...outcome, message: policy.redact(outcome.message) },
    attempts,
    ms: clock.now() - start,
  });
  let attempts = 0;
  for (;;) {
    attempts++;
    const remaining = budget - (clock.now() - start);
    let outcome: Outcome<T>;
    try {
      outcome = await attempt(Math.min(policy.timeoutMs, remaining));
    } catch (error) {
      // A bug in a response check fails this target alone, with its own message.
      outcome = { ok: false, retryable: false, message: `unexpected failure: ${String((error as Error)?.message)}` };
    }
    if (outcome.ok || !outcome.retryable || attempts > policy.retries) return done(outcome, attempts);
    const step = backoff * 2 ** (attempts - 1);
    const jittered = step / 2 + (clock.random() * step) / 2;
    const wait =
      outcome.waitAtLeast && outcome.retryAfterMs !== undefined
        ? outcome.retryAfterMs
        : Math.min(MAX_WAIT_MS, outcome.retryAfterMs ?? jittered);
    if (clock.now() - start + wait >= budget) return done(outcome, attempts);
    await clock.sleep(wait);
  }
}
