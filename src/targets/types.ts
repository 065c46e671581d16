import type { Target } from '../config/load.js';
import type { HttpRequest, HttpResponse, Outcome } from '../http.js';
import type { ZadigPayload } from '../payload.js';

/** Everything a target needs to build its requests; building is pure (no I/O, no clock). */
export interface BuildInput {
  target: Target;
  payload: ZadigPayload;
  /** One per target delivery, unchanged across its retries (SPEC §9.8). */
  eventUuid: string;
  /** Unix milliseconds, for signatures. */
  now: number;
  /** The CI server's address. */
  instance: string;
}

export interface TargetDriver {
  build(input: BuildInput): HttpRequest[];
  /** The vendor's verdict on an answer (many answer HTTP 200 with an error code in the body). */
  check(response: HttpResponse): Outcome<HttpResponse>;
}

/** Header names compare without case: later sets replace earlier names whatever their case. */
export function mergeHeaders(...sets: Readonly<Record<string, string>>[]): Record<string, string> {
  const merged = new Map<string, [string, string]>();
  for (const set of sets) {
    for (const [name, value] of Object.entries(set)) merged.set(name.toLowerCase(), [name, value]);
  }
  return Object.fromEntries(merged.values());
}
