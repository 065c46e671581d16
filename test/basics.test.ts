import { describe, expect, it } from 'vitest';
import { hmacSha256Hex, uuidV5Url } from '../src/crypto.js';
import { matchesBranches } from '../src/glob.js';
import { splitList } from '../src/lists.js';
import { rollUpStatus, toZadigStatus } from '../src/status.js';

describe('toZadigStatus', () => {
  it.each([
    ['success', 'passed'],
    ['neutral', 'passed'],
    ['failure', 'failed'],
    ['startup_failure', 'failed'],
    ['timed_out', 'timeout'],
    ['cancelled', 'cancelled'],
    ['canceled', 'cancelled'],
    ['canceling', 'cancelled'],
    ['waiting', 'wait_for_approval'],
    ['action_required', 'wait_for_approval'],
    ['manual', 'wait_for_approval'],
    ['queued', 'created'],
    ['in_progress', 'running'],
    ['skipped', 'skipped'],
    ['Passed', 'passed'],
    ['wait-for-approval', 'wait_for_approval'],
  ])('reads %s as %s', (word, status) => {
    expect(toZadigStatus(word)).toBe(status);
  });

  it('returns undefined for an unknown word', () => {
    expect(toZadigStatus('exploded')).toBeUndefined();
  });
});

describe('rollUpStatus', () => {
  it.each([
    [['passed', 'failed', 'timeout'], 'failed'],
    [['passed', 'reject'], 'failed'],
    [['passed', 'timeout', 'cancelled'], 'timeout'],
    [['passed', 'cancelled', 'wait_for_approval'], 'cancelled'],
    [['passed', 'wait_for_approval', 'running'], 'wait_for_approval'],
    [['created', 'running'], 'created'],
    [[], 'created'],
    [['passed', 'skipped'], 'passed'],
    [['passed', 'running'], 'running'],
    [['passed', 'exploded'], 'running'],
  ])('rolls %j up to %s', (statuses, expected) => {
    expect(rollUpStatus(statuses)).toBe(expected);
  });
});

describe('splitList', () => {
  it('splits on semicolons, commas and newlines and trims', () => {
    expect(splitList('a; b,c\n\nd\r\n e ')).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
  it('keeps a YAML list, turning numbers into strings', () => {
    expect(splitList([13800000000, ' ann ', null, ''])).toEqual(['13800000000', 'ann']);
  });
});

describe('matchesBranches', () => {
  it.each([
    ['main', ['main'], true],
    ['release/1.2', ['main', 'release/*'], true],
    ['release/1.2/hotfix', ['release/*'], false],
    ['release/1.2/hotfix', ['release/**'], true],
    ['feature/x', ['main', 'release/*'], false],
    ['v1', ['v?'], true],
    ['main', [], true],
    ['main', ['!main'], false],
    ['dev', ['!main'], true],
    ['release/9', ['release/*', '!release/9'], false],
    ['a.b', ['a?b'], true],
    ['axb', ['a.b'], false],
  ])('%s against %j → %s', (ref, globs, expected) => {
    expect(matchesBranches(ref, globs)).toBe(expected);
  });
});

describe('crypto', () => {
  it('makes RFC 4122 version-5 UUIDs in the URL namespace (same as Python uuid.uuid5)', () => {
    expect(uuidV5Url('https://hooks.example.com/zadig')).toBe('a0a2cf0e-6466-5e5e-80f0-1d758c3869d8');
    expect(uuidV5Url('http://127.0.0.1:8080/hook')).toBe('56c0ddd8-e7e7-54be-8a37-513cdb349d65');
  });
  it('signs with HMAC-SHA256 (RFC 4231 test case 2)', () => {
    expect(hmacSha256Hex('Jefe', 'what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});
