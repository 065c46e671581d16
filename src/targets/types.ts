// What a target is: everything about one vendor in one file. Shared code builds the config
// schema, the JSON Schema, the help text, the secret list and the member fields from these
// declarations, and sends through `build` + `check` (pure) or `send` (apps, email).
import type { Target } from '../config/load.js';
import type { FieldSpec } from '../config/fields.js';
import type { Member } from '../config/schema.js';
import {
  snippet,
  type Clock,
  type HttpRequest,
  type HttpResponse,
  type Outcome,
  type RetryPolicy,
  type RetryResult,
} from '../http.js';
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
  /** Authors of this run's commits (`$committers`). */
  committers?: readonly { login: string; name: string; email: string }[] | undefined;
  /** The webhook `body` template, rendered with JSON-string escaping. */
  bodyTemplate?: Render | undefined;
  /** A test message (SPEC §13): webhook requests carry X-Workflow-Notify-Test. */
  test?: boolean | undefined;
  /** What this target sent earlier in the run (SPEC §11), from the message-refs input: ids only. */
  previousRef?: unknown;
}

export interface BuildResult {
  requests: HttpRequest[];
  /** Things the user should know, e.g. a mention this vendor cannot make. */
  warnings: string[];
}

/** What every target declares about itself. */
export interface TargetMeta {
  type: string;
  /** One line: what it sends to (help text, JSON Schema). */
  summary: string;
  /** Its own config fields, beyond those every target has. */
  fields: Readonly<Record<string, FieldSpec>>;
  /** How this vendor mentions people; absent when it cannot. */
  mentions?: MentionStyle;
  /** Checks across fields, when the config loads: one sentence per problem, naming the field. */
  validate?(options: Readonly<Record<string, unknown>>): { field: string; problem: string }[];
  /** `$<login>` entries its fields use (warned about once per run when not in members). */
  logins?(options: Readonly<Record<string, unknown>>): string[];
}

export interface HttpDriver extends TargetMeta {
  kind: 'http';
  /** A credential to fetch before building, shared by the targets with the same key. */
  auth?: {
    key(target: Target): string;
    request(target: Target): HttpRequest;
    read(response: HttpResponse): Outcome<string>;
  };
  build(input: BuildInput): BuildResult;
  /** The vendor's verdict on an answer (many answer HTTP 200 with an error code in the body). */
  check(response: HttpResponse, input: BuildInput): Outcome<HttpResponse>;
  /** What to keep to edit the message later (SPEC §11), from the accepted answers: ids only. */
  reference?(responses: readonly HttpResponse[], input: BuildInput): unknown;
  /** The request that updates what this target sent earlier in the run (`input.previousRef`). */
  edit?(input: BuildInput): HttpRequest | undefined;
  /** Why an answer to `edit` means the earlier message is gone or too old: then a new one is sent. */
  gone?(response: HttpResponse): string | undefined;
}

export type SendPolicy = RetryPolicy;

/** What a `send` target may use: the one HTTP path (retries, redaction), a token cache, the clock. */
export interface SendTools {
  policy: SendPolicy;
  clock: Clock;
  /** One request with the retry policy; `check` is the vendor's verdict. */
  http<T>(request: HttpRequest, check: (response: HttpResponse) => Outcome<T>): Promise<RetryResult<T>>;
  /** A credential shared by every target with the same key, fetched once per run. */
  token(key: string, fetch: () => Promise<RetryResult<string>>): Promise<RetryResult<string>>;
  /** A value learnt at run time that must never print (a token). */
  secret(value: string): void;
}

/** One receiver of an app: who (as it may be shown: emails by domain), and whether it got it. */
export interface ReceiverResult {
  receiver: string;
  ok: boolean;
  error?: string | undefined;
}

export interface SendResult {
  outcome: Outcome<string>;
  attempts: number;
  warnings: string[];
  /** Per receiver, for targets that message several people or chats. */
  receivers?: ReceiverResult[] | undefined;
  /** What to keep to edit the message later (SPEC §11): ids only. */
  ref?: unknown;
}

/** A target that is not one list of HTTP requests (email, apps with look-ups). */
export interface SendDriver extends TargetMeta {
  kind: 'send';
  /** What would be sent, for a dry run. */
  preview(input: BuildInput): BuildResult & { lines: string[] };
  send(input: BuildInput, tools: SendTools): Promise<SendResult>;
}

export type TargetDefinition = HttpDriver | SendDriver;

/** A target's own field, as the config gave it (defaults applied), read as text. */
export function option(target: Target, field: string): string {
  const value = target.options[field];
  return typeof value === 'string' ? value : '';
}

/** A target's own list field. */
export function optionList(target: Target, field: string): string[] {
  const value = target.options[field];
  return Array.isArray(value) ? value.map(String) : [];
}

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
    // The answer is already redacted: its words are cut to one short line (a vendor may send megabytes).
    message: `${vendor} rejected the message (${code} ${snippet(text)})${fix ? `: ${fix}` : ''}`,
    code: String(code),
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

/**
 * A target: its declaration (what config, help and schema read) and its code. Called with
 * `/* @__PURE__ *\/`, so that a bundle reading only the declaration leaves the code out.
 */
export function withCode<D extends TargetDefinition>(declaration: TargetMeta, code: Omit<D, keyof TargetMeta>): D {
  return { ...declaration, ...code } as D;
}
