import { randomUUID } from 'node:crypto';
import type { Settings, Target } from './config/load.js';
import { fetchOnce, withRetry, type Clock, type HttpRequest, realClock } from './http.js';
import type { ZadigPayload } from './payload.js';
import type { TargetDriver } from './targets/types.js';

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
}

/** The requests a target would send, built once (so that the event UUID holds across retries). */
export function buildRequests(delivery: Delivery, payload: ZadigPayload, instance: string, now: number): HttpRequest[] {
  return delivery.driver.build({ target: delivery.target, payload, eventUuid: randomUUID(), now, instance });
}

/** Sends a target's requests in order, each with the retry policy; stops at the first failure. */
export async function send(
  delivery: Delivery,
  requests: readonly HttpRequest[],
  settings: Pick<Settings, 'retries' | 'timeoutSeconds'>,
  clock: Clock = realClock,
): Promise<TargetResult> {
  const { target, driver } = delivery;
  const policy = { retries: settings.retries, timeoutMs: settings.timeoutSeconds * 1000 };
  let attempts = 0;
  let ms = 0;
  for (const request of requests) {
    const result = await withRetry(
      async (timeoutMs) => {
        const answer = await fetchOnce(request, timeoutMs);
        return answer.ok ? driver.check(answer.value) : answer;
      },
      policy,
      clock,
    );
    attempts += result.attempts;
    ms += result.ms;
    if (!result.outcome.ok) {
      const tries = result.attempts > 1 ? ` (after ${result.attempts} attempts)` : '';
      return {
        name: target.name,
        type: target.type,
        ok: false,
        skipped: false,
        error: `${result.outcome.message}${tries}`,
        attempts,
        ms,
        events: delivery.events,
      };
    }
  }
  return {
    name: target.name,
    type: target.type,
    ok: true,
    skipped: false,
    error: null,
    attempts,
    ms,
    events: delivery.events,
  };
}
