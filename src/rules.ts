// Which events a run fires for a target (SPEC §4): the status's own event, `changed` when the
// status differs from the previous finished run, `always` for everything, and branch globs.
import type { Target } from './config/load.js';
import type { NotifyEvent } from './config/schema.js';
import { matchesBranches } from './glob.js';
import { isFinished } from './status.js';

// A Map: a status word never finds an inherited property (SPEC §14).
const STATUS_EVENT: ReadonlyMap<string, NotifyEvent> = new Map<string, NotifyEvent>([
  ['created', 'created'],
  ['passed', 'passed'],
  ['failed', 'failed'],
  ['reject', 'failed'],
  ['timeout', 'timeout'],
  ['cancelled', 'cancelled'],
  ['wait_for_approval', 'wait_for_approval'],
]);

const normalise = (status: string) => (status === 'reject' ? 'failed' : status);

/** A run can have `changed` when it finished having done something (a skipped run changes nothing). */
function canChange(status: string): boolean {
  return isFinished(status) && status !== 'skipped';
}

/** The events a status fires, before any target's choice. */
export function firedEvents(status: string, previousStatus?: string): NotifyEvent[] {
  const events: NotifyEvent[] = [];
  const own = STATUS_EVENT.get(status);
  if (own) events.push(own);
  if (previousStatus && canChange(status) && normalise(previousStatus) !== normalise(status)) {
    events.push('changed');
  }
  return events;
}

export type Decision = { send: true; events: string[] } | { send: false; reason: string };

export function decide(target: Target, status: string, ref: string, previousStatus?: string): Decision {
  if (!matchesBranches(ref, target.branches)) {
    return { send: false, reason: `ref "${ref}" does not match branches ${target.branches.join(';')}` };
  }
  const fired = firedEvents(status, previousStatus);
  if (target.events.includes('always')) return { send: true, events: fired.length ? fired : ['always'] };
  const chosen = fired.filter((event) => (target.events as readonly string[]).includes(event));
  if (chosen.length > 0) return { send: true, events: chosen };
  const what = fired.length ? `event ${fired.join(', ')}` : `status ${status} (only "always" sends it)`;
  return { send: false, reason: `${what} not in events ${target.events.join(';')}` };
}
