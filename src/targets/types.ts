import type { Target } from '../config/load.js';
import type { Member } from '../config/schema.js';
import type { HttpRequest, HttpResponse, Outcome } from '../http.js';
import type { Message } from '../message/index.js';
import type { MentionStyle } from '../message/mentions.js';
import type { Render } from '../message/template.js';
import type { ZadigPayload } from '../payload.js';
import { jsonBytes, truncateTo } from '../message/truncate.js';

/** Everything a target needs to build its requests; building is pure (no I/O, no clock). */
export interface BuildInput {
  target: Target;
  payload: ZadigPayload;
  message: Message;
  /** One per target delivery, unchanged across its retries (SPEC §9.8). */
  eventUuid: string;
  /** Unix milliseconds, for signatures. */
  now: number;
  /** The CI server's address. */
  instance: string;
  /** A credential fetched first (feishu-app's tenant token). */
  token?: string | undefined;
  members: Readonly<Record<string, Member>>;
  /** Authors of this run's commits (email's `$committers`). */
  committers?: readonly { login: string; name: string; email: string }[] | undefined;
  /** The webhook `body` template, rendered with JSON-string escaping. */
  bodyTemplate?: Render | undefined;
}

export interface BuildResult {
  requests: HttpRequest[];
  /** Things the user should know, e.g. a mention this vendor cannot make. */
  warnings: string[];
}

export interface HttpDriver {
  kind: 'http';
  /** How this vendor mentions people; absent when it cannot. */
  mentions?: MentionStyle;
  /** A credential to fetch before building, shared by the targets with the same key. */
  auth?: {
    key(target: Target): string;
    request(target: Target): HttpRequest;
    read(response: HttpResponse): Outcome<string>;
  };
  build(input: BuildInput): BuildResult;
  /** The vendor's verdict on an answer (many answer HTTP 200 with an error code in the body). */
  check(response: HttpResponse, input: BuildInput): Outcome<HttpResponse>;
}

export interface SendPolicy {
  retries: number;
  timeoutMs: number;
}

/** A target that is not an HTTP request (email). */
export interface SendDriver {
  kind: 'send';
  mentions?: MentionStyle;
  /** What would be sent, for a dry run. */
  preview(input: BuildInput): BuildResult & { lines: string[] };
  send(
    input: BuildInput,
    policy: SendPolicy,
  ): Promise<{ outcome: Outcome<string>; attempts: number; warnings: string[] }>;
}

export type TargetDriver = HttpDriver | SendDriver;

/** Header names compare without case: later sets replace earlier names whatever their case. */
export function mergeHeaders(...sets: Readonly<Record<string, string>>[]): Record<string, string> {
  const merged = new Map<string, [string, string]>();
  for (const set of sets) {
    for (const [name, value] of Object.entries(set)) merged.set(name.toLowerCase(), [name, value]);
  }
  return Object.fromEntries(merged.values());
}

export const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8' };

/** The answer body as JSON, or undefined when it is not JSON. */
export function parseBody(response: HttpResponse): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(response.text) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A vendor's business-code verdict: `code` 0 is delivered; `retryable` codes are rate limits. */
export function judgeCode(
  response: HttpResponse,
  vendor: string,
  codeField: string,
  messageField: string,
  retryable: readonly number[],
  hint: (code: number, message: string) => string | undefined,
): Outcome<HttpResponse> {
  const body = parseBody(response);
  const code = body?.[codeField];
  if (typeof code !== 'number') {
    if (response.status >= 200 && response.status < 300) {
      return {
        ok: false,
        retryable: false,
        message: `${vendor} answered without a result code: ${response.text.slice(0, 120)}`,
      };
    }
    return {
      ok: false,
      retryable: response.status === 429 || response.status >= 500,
      message: `${vendor} answered HTTP ${response.status}: ${response.text.slice(0, 120)}`,
    };
  }
  if (code === 0) return { ok: true, value: response };
  const text = String(body?.[messageField] ?? '');
  const fix = hint(code, text);
  return {
    ok: false,
    retryable: retryable.includes(code),
    message: `${vendor} rejected the message (${code} ${text})${fix ? `: ${fix}` : ''}`,
  };
}

/** Bytes of a JSON body. */
export function bodySize(body: unknown): number {
  return Buffer.byteLength(JSON.stringify(body));
}

/**
 * The body `make(text)` with `text` cut (at a line, never inside a character) so that the whole
 * JSON body stays within `limit` bytes.
 */
export function fitBody<T>(make: (text: string) => T, text: string, limit: number, marker: string): T {
  const full = make(text);
  if (bodySize(full) <= limit) return full;
  const overhead = bodySize(make(''));
  return make(truncateTo(text, Math.max(0, limit - overhead), marker, jsonBytes));
}
