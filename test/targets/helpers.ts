import { deliver, type TargetResult, type TokenCache } from '../../src/deliver.js';
import type { Clock } from '../../src/http.js';
import { ALL_TARGETS } from '../helpers/targets.js';
import type { BuildInput } from '../../src/targets/types.js';

export interface Delivered {
  result: TargetResult;
  warnings: string[];
  secrets: string[];
  /** The waits between attempts, in milliseconds (the clock is fake: no test sleeps). */
  waits: number[];
}

/** A clock whose sleeps return at once, moving its time on, and are recorded. */
export function fakeClock(): Clock & { waits: number[] } {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    random: () => 0.5,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
  };
}

/** Delivers one target through real sockets, as a run would, with a fake clock for the waits. */
export async function send(
  input: BuildInput,
  tokens: TokenCache = new Map(),
  settings = { retries: 2, timeoutSeconds: 5 },
): Promise<Delivered> {
  const warnings: string[] = [];
  const secrets: string[] = [];
  const clock = fakeClock();
  const { result } = await deliver(
    { target: input.target, definition: ALL_TARGETS[input.target.type]!, events: ['failed'], input },
    settings,
    tokens,
    { warning: (line) => warnings.push(line), secret: (value) => secrets.push(value) },
    clock,
  );
  return { result, warnings, secrets, waits: clock.waits };
}
