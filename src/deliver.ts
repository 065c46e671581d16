// Sending one target: its credential first when it needs one (shared across targets), then its
// requests in order, each with the retry policy; the first failure ends the target.
import type { Settings, Target } from './config/load.js';
import {
  fetchOnce,
  withRetry,
  type Clock,
  type HttpRequest,
  type HttpResponse,
  type Outcome,
  realClock,
} from './http.js';
import type { BuildInput, TargetDriver } from './targets/types.js';

export interface TargetResult {
  name: string;
  type: string;
  ok: boolean;
  skipped: boolean;
  error: string | null;
  attempts: number;
  ms: number;
  events: string[];
}

export interface Delivery {
  target: Target;
  driver: TargetDriver;
  events: string[];
  input: BuildInput;
}

export interface DeliveryHooks {
  /** A credential learnt at run time (a tenant token), to be masked and redacted. */
  secret(value: string): void;
  warning(line: string): void;
}

/** Tokens by driver key, fetched once per run. */
export type TokenCache = Map<string, Promise<{ outcome: Outcome<string>; attempts: number; ms: number }>>;

type Policy = Pick<Settings, 'retries' | 'timeoutSeconds'>;

function policyOf(settings: Policy) {
  return { retries: settings.retries, timeoutMs: settings.timeoutSeconds * 1000 };
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
  const error = outcome.ok ? null : `${outcome.message}${tries > 1 ? ` (after ${tries} attempts)` : ''}`;
  return {
    name: target.name,
    type: target.type,
    ok: outcome.ok,
    skipped: false,
    error,
    attempts,
    ms,
    events: delivery.events,
  };
}

function sendHttp<T>(request: HttpRequest, check: (r: HttpResponse) => Outcome<T>, settings: Policy, clock: Clock) {
  return withRetry<T>(
    async (timeoutMs) => {
      const answer = await fetchOnce(request, timeoutMs);
      return answer.ok ? check(answer.value) : answer;
    },
    policyOf(settings),
    clock,
  );
}

export async function deliver(
  delivery: Delivery,
  settings: Policy,
  tokens: TokenCache,
  hooks: DeliveryHooks,
  clock: Clock = realClock,
): Promise<TargetResult> {
  const { driver, input } = delivery;
  const who = `${delivery.target.type} "${delivery.target.name}"`;
  const started = clock.now();
  if (driver.kind === 'send') {
    const sent = await driver.send(input, policyOf(settings));
    sent.warnings.forEach((w) => hooks.warning(`${who}: ${w}`));
    return result(delivery, sent.outcome, sent.attempts, clock.now() - started);
  }

  let attempts = 0;
  let token: string | undefined;
  if (driver.auth) {
    const auth = driver.auth;
    const key = auth.key(input.target);
    if (!tokens.has(key)) tokens.set(key, sendHttp(auth.request(input.target), auth.read, settings, clock));
    const fetched = await tokens.get(key)!;
    attempts += fetched.attempts;
    if (!fetched.outcome.ok)
      return result(delivery, fetched.outcome, attempts, clock.now() - started, fetched.attempts);
    token = fetched.outcome.value;
    hooks.secret(token);
  }
  const built = driver.build({ ...input, token });
  built.warnings.forEach((w) => hooks.warning(`${who}: ${w}`));
  for (const request of built.requests) {
    const sent = await sendHttp(request, (response) => driver.check(response, input), settings, clock);
    attempts += sent.attempts;
    if (!sent.outcome.ok) return result(delivery, sent.outcome, attempts, clock.now() - started, sent.attempts);
  }
  return result(delivery, { ok: true, value: null }, attempts, clock.now() - started);
}

/** What a dry run prints for a target: its requests (or message), and its warnings. */
export function preview(delivery: Delivery): { requests: HttpRequest[]; lines: string[]; warnings: string[] } {
  const { driver, input } = delivery;
  if (driver.kind === 'send') {
    const shown = driver.preview(input);
    return { requests: [], lines: shown.lines, warnings: shown.warnings };
  }
  const auth = driver.auth ? [driver.auth.request(input.target)] : [];
  const built = driver.build(input);
  return { requests: [...auth, ...built.requests], lines: [], warnings: built.warnings };
}
