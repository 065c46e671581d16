// npm start: a new user sees every target type receive a notification, before configuring anything.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TARGET_TYPES } from '../../src/targets/index.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('npm start (scripts/demo.mjs)', () => {
  it('notifies a stand-in of every target type about the last commit and shows what each received', () => {
    const out = execFileSync(process.execPath, ['scripts/demo.mjs'], { cwd: ROOT, encoding: 'utf8' });
    for (const type of TARGET_TYPES) {
      expect(out).toMatch(new RegExp(`^✓ ${type} "${type}" delivered in \\d+ ms$`, 'm'));
      const line = out.split('\n').find((l) => l.startsWith(`  ${type.padEnd(13)} `));
      expect(line, type).toMatch(type === 'webhook' ? /Zadig payload: \S+ passed$/ : / succeeded$/);
    }
    expect(out).not.toContain('nothing');
  });
});
