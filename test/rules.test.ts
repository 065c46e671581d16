import { describe, expect, it } from 'vitest';
import type { Target } from '../src/config/load.js';
import { decide, firedEvents } from '../src/rules.js';
import { fixtureTarget } from './helpers/fixtures.js';

function target(events: Target['events'], branches: string[] = []): Target {
  return fixtureTarget({ type: 'webhook', name: 't', webhook: 'https://x', events, branches });
}

const DEFAULT: Target['events'] = ['created', 'passed', 'failed', 'timeout', 'cancelled', 'wait_for_approval'];

describe('firedEvents', () => {
  it.each([
    ['created', undefined, ['created']],
    ['passed', undefined, ['passed']],
    ['failed', undefined, ['failed']],
    ['reject', undefined, ['failed']],
    ['timeout', undefined, ['timeout']],
    ['cancelled', undefined, ['cancelled']],
    ['wait_for_approval', undefined, ['wait_for_approval']],
    ['running', undefined, []],
    ['passed', 'failed', ['passed', 'changed']],
    ['failed', 'passed', ['failed', 'changed']],
    ['failed', 'failed', ['failed']],
    ['failed', 'reject', ['failed']],
    ['created', 'passed', ['created']],
    ['running', 'passed', []],
    ['skipped', undefined, []],
    ['skipped', 'passed', []],
    ['passed', 'skipped', ['passed', 'changed']],
    ['constructor', undefined, []],
    ['__proto__', 'passed', []],
    ['toString', 'failed', []],
  ] as const)('status %s after %s fires %j', (status, previous, events) => {
    expect(firedEvents(status, previous)).toEqual(events);
  });
});

describe('decide', () => {
  it.each([
    // status, events, branches, ref, previous, send, events or reason
    ['passed', DEFAULT, [], 'main', undefined, true, ['passed']],
    ['failed', ['failed'], [], 'main', undefined, true, ['failed']],
    ['passed', ['failed'], [], 'main', undefined, false, 'event passed not in events failed'],
    [
      'running',
      DEFAULT,
      [],
      'main',
      undefined,
      false,
      'status running (only "always" sends it) not in events created;passed;failed;timeout;cancelled;wait_for_approval',
    ],
    ['running', ['always'], [], 'main', undefined, true, ['always']],
    ['failed', ['always'], [], 'main', undefined, true, ['failed']],
    ['passed', ['changed'], [], 'main', 'failed', true, ['changed']],
    ['passed', ['changed'], [], 'main', 'passed', false, 'event passed not in events changed'],
    ['failed', ['failed', 'changed'], [], 'main', 'passed', true, ['failed', 'changed']],
    ['passed', DEFAULT, ['main', 'release/*'], 'release/2', undefined, true, ['passed']],
    ['passed', DEFAULT, ['main'], 'feature/x', undefined, false, 'ref "feature/x" does not match branches main'],
    ['skipped', ['always'], [], 'main', undefined, true, ['always']],
    [
      'constructor',
      DEFAULT,
      [],
      'main',
      undefined,
      false,
      'status constructor (only "always" sends it) not in events created;passed;failed;timeout;cancelled;wait_for_approval',
    ],
  ] as const)(
    '%s with events %j on %j (ref %s, previous %s)',
    (status, events, branches, ref, previous, send, expected) => {
      const decision = decide(target([...events], [...branches]), status, ref, previous);
      expect(decision.send).toBe(send);
      if (decision.send) expect(decision.events).toEqual(expected);
      else expect(decision.reason).toBe(expected);
    },
  );
});
