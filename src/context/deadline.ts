// Reading the context is bounded (SPEC §14): what is not read within the limit is left out, and
// the run goes on with what was read.
import type { RetryPolicy } from '../http.js';
import { getJson } from './rest.js';

/** The most the whole context read may take. */
export const CONTEXT_READ_MS = 60_000;

const ATTEMPT_GRACE_MS = 100;

export type JsonAnswer = Awaited<ReturnType<typeof getJson>>;

export interface BoundedReader {
  /** getJson, answering a failure (status 0) once the limit has passed. */
  get(url: string, headers: Record<string, string>, policy: RetryPolicy): Promise<JsonAnswer>;
}

export function boundedReader(limitMs: number = CONTEXT_READ_MS, now: () => number = Date.now): BoundedReader {
  const end = now() + limitMs;
  const late = (): JsonAnswer => ({
    ok: false,
    failure: { status: 0, message: `not read within the ${limitMs / 1000} s limit for reading the context` },
  });
  return {
    async get(url, headers, policy) {
      const remaining = end - now();
      if (remaining <= 0) return late();
      // An attempt ends just after the limit (so its socket closes with it, and the limit is what
      // the warning names).
      const attemptMs = Math.min(policy.timeoutMs, remaining + ATTEMPT_GRACE_MS);
      const reading = getJson(url, headers, { ...policy, timeoutMs: attemptMs }).catch(
        (error: unknown): JsonAnswer => ({ ok: false, failure: { status: 0, message: (error as Error).message } }),
      );
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<JsonAnswer>((resolve) => {
        timer = setTimeout(() => resolve(late()), remaining);
      });
      try {
        return await Promise.race([reading, limit]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
