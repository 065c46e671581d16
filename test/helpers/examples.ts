// Real webhook payloads recorded by @octokit/webhooks-examples.
import { createRequire } from 'node:module';

interface ExampleSet {
  name: string;
  examples: Record<string, unknown>[];
}

const require = createRequire(import.meta.url);
const sets = require('@octokit/webhooks-examples/api.github.com/index.json') as ExampleSet[];

export function example(
  name: string,
  pick: (e: Record<string, unknown>) => boolean = () => true,
): Record<string, unknown> {
  const found = sets.find((set) => set.name === name)?.examples.find(pick);
  if (!found) throw new Error(`no ${name} example`);
  return structuredClone(found);
}
