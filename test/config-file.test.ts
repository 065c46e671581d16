import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_CONFIG_BYTES, readConfigText } from '../src/config/file.js';

const dir = mkdtempSync(join(tmpdir(), 'wn-config-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readConfigText', () => {
  it('reads a regular file, dropping a byte-order mark', () => {
    const path = join(dir, 'ok.yml');
    writeFileSync(path, '\ufefftargets: []\n');
    expect(readConfigText(path)).toEqual({ ok: true, text: 'targets: []\n' });
  });

  it('reads a file of exactly 1 MiB, through a symbolic link', () => {
    const path = join(dir, 'full.yml');
    writeFileSync(path, `#${'x'.repeat(MAX_CONFIG_BYTES - 1)}`);
    symlinkSync(path, join(dir, 'link.yml'));
    const read = readConfigText(join(dir, 'link.yml'));
    expect(read.ok && read.text.length).toBe(MAX_CONFIG_BYTES);
  });

  it('refuses a file over 1 MiB without reading it', () => {
    const path = join(dir, 'big.yml');
    writeFileSync(path, 'x'.repeat(MAX_CONFIG_BYTES + 1));
    expect(readConfigText(path)).toEqual({ ok: false, error: `config: ${path} is larger than 1 MiB (1048577 bytes)` });
  });

  it('refuses /dev/zero at once', () => {
    expect(readConfigText('/dev/zero')).toEqual({
      ok: false,
      error: 'config: /dev/zero is not a regular file (a device, FIFO or socket)',
    });
  });

  it.runIf(process.platform !== 'win32')('refuses a FIFO with no writer without blocking', () => {
    const path = join(dir, 'fifo');
    execFileSync('mkfifo', [path]);
    expect(readConfigText(path)).toEqual({
      ok: false,
      error: `config: ${path} is not a regular file (a device, FIFO or socket)`,
    });
  });

  it('refuses a directory, a missing file, an unreadable file and text that is not UTF-8', () => {
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    expect(readConfigText(sub)).toEqual({ ok: false, error: `config: ${sub} is a directory, not a file` });
    const missing = join(dir, 'missing.yml');
    expect(readConfigText(missing)).toEqual({ ok: false, error: `config: ${missing} does not exist` });
    const binary = join(dir, 'binary.yml');
    writeFileSync(binary, Buffer.from([0x61, 0xff, 0xfe, 0x62]));
    expect(readConfigText(binary)).toEqual({ ok: false, error: `config: ${binary} is not UTF-8 text` });
    const locked = join(dir, 'locked.yml');
    writeFileSync(locked, 'a: 1');
    chmodSync(locked, 0o000);
    const read = readConfigText(locked);
    chmodSync(locked, 0o600);
    // Root reads any file: then it is read.
    if (process.getuid?.() !== 0) {
      expect(read).toEqual({ ok: false, error: `config: ${locked} cannot be read (permission denied)` });
    }
  });
});
