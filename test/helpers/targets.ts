// Every whole target (declaration and code) at once, loaded the way the program loads the ones a
// run sends to.
import { loadTargets, TARGET_TYPES } from '../../src/targets/index.js';
import type { TargetDefinition } from '../../src/targets/types.js';

export const ALL_TARGETS: Readonly<Record<string, TargetDefinition>> = Object.fromEntries(
  await loadTargets(TARGET_TYPES),
);
