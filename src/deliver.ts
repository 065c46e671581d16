// Sending the targets: each one isolated (its exception is its own failure, never the run's), its
// credential first when it needs one (shared across targets), then its requests in order, each
// with the retry policy; the first failure ends the target. A dry run builds and sends nothing.
import type { Settings, Target } from './config/load.js';
import {
  fetchOnce,
  withRetry,
  type Clock,
  type HttpRequest,
  type HttpResponse,
  type Outcome,
  type RetryPolicy,
  type RetryResult,
  realClock,
  retryPolicy,
  secretsOfRequest,
} from './http.js';
import type { BuildInput, ReceiverResult, SendTools, TargetDefinition } from './targets/types.js';

/** What became of a target: sent, failed, skipped (with the reason), or shown in a dry run. */
export type TargetState = 'sent' | 'failed' | 'skipped' | 'dry-run';

export interface TargetResult {
  name: string;
  type: string;
  state: TargetState;
  /** Why a target was skipped. */
  reason: string | null;
  /** Why a target failed (redacted when printed). */
  error: string | null;
  /** For a failure: `refused` (the vendor said no, with its code when it gave one), or `error`. */
  failure?: { kind: 'refused' | 'error'; code?: string | undefined } | undefined;
  attempts: number;
  ms: number;
  events: string[];
  /** Per receiver, for app targets. */
  receivers?: ReceiverResult[] | undefined;
  /** What to keep to edit the message later in the run (ids only). */
  ref?: unknown;
}

export interface Delivery {
  target: Target;
  definition: TargetDefinition;
  events: string[];
  input: BuildInput;
}

export interface Preview {
  requests: HttpRequest[];
  lines: string[];
  warnings: string[];
}

export interface DeliveryHooks {
  /** A credential learnt at run time (a tenant token), to be masked and redacted. */
  secret(value: string): void;
  warning(line: string): void;
  /** Hides every known secret: applied to answers and errors before anything cuts them. */
  redact?(text: string): string;
}

/** Tokens by key, fetched once per run. */
export type TokenCache = Map<string, Promise<RetryResult<string>>>;

type Policy = Pick<Settings, 'retries' | 'timeoutSeconds'>;

function policyOf(settings: Policy, hooks?: DeliveryHooks): RetryPolicy {
  return retryPolicy(settings, hooks?.redact);
}

export function skippedResult(target: Target, reason: string): TargetResult {
  return {
    name: target.name,
    type: target.type,
    state: 'skipped',
    reason,
    error: null,
    attempts: 0,
    ms: 0,
    events: [],
  };
}

/** A failure is one line of at most this many characters, whatever a vendor answered. */
const MAX_ERROR = 1000;

function cut(message: string): string {
  const line = message.replace(/\s*[\r\n]+\s*/g, ' ');
  return line.length > MAX_ERROR ? `${Array.from(line).slice(0, MAX_ERROR).join('')}…` : line;
}

/** `tries`: the attempts of the request that failed (the total may include a token request). */
function result(
  delivery: Delivery,
  outcome: Outcome<unknown>,
  attempts: number,
  ms: number,
  tries = attempts,
): TargetResult {
  const { target } = delivery;
  const base = { name: target.name, type: target.type, reason: null, attempts, ms, events: delivery.events };
  if (outcome.ok) return { ...base, state: 'sent', error: null };
  return {
    ...base,
    state: 'failed',
    // Redacted (by the HTTP layer, or below for other targets) before it is cut here.
    error: `${cut(outcome.message)}${tries > 1 ? ` (after ${tries} attempts)` : ''}`,
    failure: outcome.code ? { kind: 'refused', code: outcome.code } : { kind: 'error' },
  };
}

/** One request with the retry policy; every credential it carries is a secret before it leaves. */
function sendHttp<T>(
  request: HttpRequest,
  check: (r: HttpResponse) => Outcome<T>,
  settings: Policy,
  clock: Clock,
  hooks: DeliveryHooks,
): Promise<RetryResult<T>> {
  secretsOfRequest(request).forEach((value) => hooks.secret(value));
  const policy = policyOf(settings, hooks);
  return withRetry<T>(
    async (timeoutMs) => {
      const answer = await fetchOnce(request, timeoutMs, { redact: policy.redact });
      return answer.ok ? check(answer.value) : answer;
    },
    policy,
    clock,
  );
}

function tokenOnce(tokens: TokenCache, key: string, fetch: () => Promise<RetryResult<string>>) {
  let pending = tokens.get(key);
  if (!pending) {
    pending = fetch();
    tokens.set(key, pending);
  }
  return pending;
}

async function sendTarget(
  delivery: Delivery,
  settings: Policy,
  tokens: TokenCache,
  hooks: DeliveryHooks,
  clock: Clock,
): Promise<TargetResult> {
  const { definition, input } = delivery;
  const who = `${delivery.target.type} "${delivery.target.name}"`;
  const started = clock.now();
  if (definition.kind === 'send') {
    const tools: SendTools = {
      policy: policyOf(settings, hooks),
      clock,
      http: (request, check) => sendHttp(request, check, settings, clock, hooks),
      token: (key, fetch) => tokenOnce(tokens, key, fetch),
      secret: hooks.secret,
    };
    const sent = await definition.send(input, tools);
    sent.warnings.forEach((w) => hooks.warning(`${who}: ${w}`));
    // A library's error (SMTP) may quote what it was given: redacted before anything cuts it.
    if (!sent.outcome.ok && hooks.redact)
      sent.outcome = { ...sent.outcome, message: hooks.redact(sent.outcome.message) };
    // Per-receiver failures carry their own story: no "(after N attempts)" summed over look-ups.
    const done = result(
      delivery,
      sent.outcome,
      sent.attempts,
      clock.now() - started,
      sent.receivers ? 1 : sent.attempts,
    );
    if (sent.receivers) done.receivers = sent.receivers;
    if (sent.ref !== undefined) done.ref = sent.ref;
    return done;
  }

  let attempts = 0;
  let token: string | undefined;
  if (definition.auth) {
    const auth = definition.auth;
    const fetched = await tokenOnce(tokens, auth.key(input.target), () =>
      sendHttp(auth.request(input.target), auth.read, settings, clock, hooks),
    );
    attempts += fetched.attempts;
    if (!fetched.outcome.ok)
      return result(delivery, fetched.outcome, attempts, clock.now() - started, fetched.attempts);
    token = fetched.outcome.value;
    hooks.secret(token);
  }
  // Copied only with a token: a copy reads every field, the event UUID (made when read) too.
  const authorized = token === undefined ? input : { ...input, token };
  const built = definition.build(authorized);
  built.warnings.forEach((w) => hooks.warning(`${who}: ${w}`));
  // One message per run: update what the run's earlier notification sent, when the vendor can.
  const edit = input.previousRef === undefined ? undefined : definition.edit?.(authorized);
  if (edit) {
    let why: string | undefined;
    const edited = await sendHttp(
      edit,
      (response) => {
        why = definition.gone?.(response);
        return why ? { ok: true, value: response } : definition.check(response, input);
      },
      settings,
      clock,
      hooks,
    );
    attempts += edited.attempts;
    if (!edited.outcome.ok) return result(delivery, edited.outcome, attempts, clock.now() - started, edited.attempts);
    if (!why) {
      const done = result(delivery, { ok: true, value: null }, attempts, clock.now() - started);
      done.ref = input.previousRef;
      return done;
    }
    hooks.warning(`${who}: the earlier message cannot be updated (${why}): a new one is sent`);
  }
  const answers: HttpResponse[] = [];
  for (const request of built.requests) {
    const sent = await sendHttp(request, (response) => definition.check(response, input), settings, clock, hooks);
    attempts += sent.attempts;
    if (!sent.outcome.ok) return result(delivery, sent.outcome, attempts, clock.now() - started, sent.attempts);
    answers.push(sent.outcome.value);
  }
  const done = result(delivery, { ok: true, value: null }, attempts, clock.now() - started);
  const ref = definition.reference?.(answers, input);
  if (ref !== undefined) done.ref = ref;
  return done;
}

/** What a dry run prints for a target: its requests (or message), and its warnings. */
export function preview(delivery: Delivery): Preview {
  const { definition, input } = delivery;
  if (definition.kind === 'send') {
    const shown = definition.preview(input);
    return { requests: shown.requests, lines: shown.lines, warnings: shown.warnings };
  }
  const auth = definition.auth ? [definition.auth.request(input.target)] : [];
  const built = definition.build(input);
  // With message-refs, the update is shown (a new message follows only if it fails).
  const edit = input.previousRef === undefined ? undefined : definition.edit?.(input);
  return { requests: [...auth, ...(edit ? [edit] : built.requests)], lines: [], warnings: built.warnings };
}

/** A target's own exception, as its failure: the message names what broke, never the run. */
function crashed(delivery: Delivery, error: unknown, ms: number): TargetResult {
  const text = error instanceof Error ? error.message : String(error);
  return result(delivery, { ok: false, retryable: false, message: `could not be sent: ${text}` }, 0, ms);
}

/** Sends one target (or previews it in a dry run); never throws. */
export async function deliver(
  delivery: Delivery,
  settings: Policy & { dryRun?: boolean },
  tokens: TokenCache,
  hooks: DeliveryHooks,
  clock: Clock = realClock,
): Promise<{ result: TargetResult; preview?: Preview }> {
  const started = clock.now();
  try {
    if (settings.dryRun) {
      const shown = preview(delivery);
      const { target } = delivery;
      return {
        result: {
          name: target.name,
          type: target.type,
          state: 'dry-run',
          reason: null,
          error: null,
          attempts: 0,
          ms: 0,
          events: delivery.events,
        },
        preview: shown,
      };
    }
    return { result: await sendTarget(delivery, settings, tokens, hooks, clock) };
  } catch (error) {
    return { result: crashed(delivery, error, clock.now() - started) };
  }
}

/**
 * Every target at once. Targets that are not plain HTTP (email's SMTP library) start after the
 * HTTP requests are on the wire, so loading them delays no one.
 */
export async function deliverAll(
  deliveries: readonly Delivery[],
  settings: Policy & { dryRun?: boolean },
  hooks: DeliveryHooks,
  clock: Clock = realClock,
): Promise<{ result: TargetResult; preview?: Preview }[]> {
  const tokens: TokenCache = new Map();
  const later = () => new Promise<void>((resolve) => setImmediate(resolve));
  return Promise.all(
    deliveries.map(async (delivery) => {
      if (delivery.definition.kind === 'send' && !settings.dryRun) await later();
      return deliver(delivery, settings, tokens, hooks, clock);
    }),
  );
}
