import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesBranches, matchesGlob } from '../src/glob.js';

/** The former matcher (a backtracking RegExp): the reference for the semantics. */
function oldGlobToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        source += '.*';
        i++;
      } else {
        source += '[^/]*';
      }
    } else if (ch === '?') {
      source += '[^/]';
    } else {
      source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

describe('matchesGlob', () => {
  it.each([
    ['main', 'main', true],
    ['main', 'mai', false],
    ['release/1.2', 'release/*', true],
    ['release/1/2', 'release/*', false],
    ['release/1/2', 'release/**', true],
    ['release/', 'release/**', true],
    ['feature/x/fix', '**/fix', true],
    ['a.b', 'a?b', true],
    ['a/b', 'a?b', false],
    ['a+b(c)[d]', 'a+b(c)[d]', true],
    ['axb', 'a.b', false],
    ['', '*', true],
    ['', '', true],
    ['x', '', false],
  ])('%j against %j → %s', (text, glob, expected) => {
    expect(matchesGlob(text, glob)).toBe(expected);
  });

  it('answers at once for patterns that make a backtracking matcher take seconds', () => {
    const branch = 'a-'.repeat(26) + 'X';
    const started = performance.now();
    expect(matchesGlob(branch, '*-*-*-*-*-*-*-*-')).toBe(false);
    expect(matchesGlob('a'.repeat(10_000), '*a*a*a*a*a*a*a*a*a*a*b')).toBe(false);
    expect(matchesGlob('x/'.repeat(5000), '**/**/**/**/**/**/y')).toBe(false);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('matches exactly as the former RegExp did (branch names hold no line break)', () => {
    const alphabet = fc.constantFrom('a', 'b', '-', '/', '.', '*', '?', '+', '(', '[', '\\', 'é', '\ud83d');
    fc.assert(
      fc.property(
        fc.string({ unit: alphabet, maxLength: 12 }),
        fc.string({ unit: alphabet, maxLength: 14 }),
        (glob, text) => {
          expect(matchesGlob(text, glob)).toBe(oldGlobToRegExp(glob).test(text));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('matchesBranches', () => {
  it('includes, excludes with !, and matches everything when empty', () => {
    expect(matchesBranches('main', [])).toBe(true);
    expect(matchesBranches('main', ['main', 'release/*'])).toBe(true);
    expect(matchesBranches('release/1', ['!release/*'])).toBe(false);
    expect(matchesBranches('dev', ['!release/*'])).toBe(true);
    expect(matchesBranches('release/1', ['release/**', '!release/1'])).toBe(false);
  });
});
