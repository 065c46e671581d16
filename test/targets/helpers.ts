import { deliver, type TargetResult, type TokenCache } from '../../src/deliver.js';
import { TARGETS } from '../../src/targets/index.js';
import type { BuildInput } from '../../src/targets/types.js';

export interface Delivered {
  result: TargetResult;
  warnings: string[];
  secrets: string[];
}

/** Delivers one target through real sockets, as a run would (fast retries for tests). */
export async function send(
  input: BuildInput,
  tokens: TokenCache = new Map(),
  settings = { retries: 2, timeoutSeconds: 5 },
): Promise<Delivered> {
  const warnings: string[] = [];
  const secrets: string[] = [];
  const { result } = await deliver(
    { target: input.target, definition: TARGETS[input.target.type]!, events: ['failed'], input },
    settings,
    tokens,
    { warning: (line) => warnings.push(line), secret: (value) => secrets.push(value) },
  );
  return { result, warnings, secrets };
}
