import { describe, expect, it } from 'vitest';
import {
  MAX_LINE_CHARS,
  boundLine,
  cleanLogLines,
  fitLastLines,
  lastLines,
  logLineTime,
} from '../src/context/log-clean.js';

const ESC = '\x1b';
const none = { secrets: [] };

describe('cleanLogLines: markup', () => {
  it('removes GitHub timestamps and the BOM, keeping blank lines and indentation', () => {
    const log =
      '\ufeff2026-11-20T08:00:02.1234567Z Requested labels: ubuntu-latest\n' +
      '2026-11-20T08:00:02.2000000Z \n' +
      '2026-11-20T08:00:03.0000000Z   indented\ttab\n';
    expect(cleanLogLines(log, none)).toEqual(['Requested labels: ubuntu-latest', '', '  indented\ttab']);
  });

  it('removes ANSI colours, erase and cursor codes, OSC titles and hyperlinks', () => {
    const log =
      `${ESC}[36;1mnpm test${ESC}[0m\n` +
      `${ESC}[1A${ESC}[2K${ESC}[31m✗${ESC}[39m 2 failed\n` +
      `${ESC}]0;title${ESC}\\see ${ESC}]8;;https://example.com/x${ESC}\\docs${ESC}]8;;${ESC}\\ now\n` +
      `${ESC}]2;window title\x07bell-ended${ESC}(B\n`;
    expect(cleanLogLines(log, none)).toEqual(['npm test', '✗ 2 failed', 'see docs now', 'bell-ended']);
  });

  it('drops ##[group]/##[endgroup] marker lines, keeps the group title and ##[error] text', () => {
    const log = [
      '2026-11-20T08:00:05.0000000Z ##[group]Run npm test',
      '2026-11-20T08:00:05.0000000Z [36;1mnpm test[0m',
      '2026-11-20T08:00:05.0000000Z shell: /usr/bin/bash -e {0}',
      '2026-11-20T08:00:05.0000000Z ##[endgroup]',
      '2026-11-20T08:00:06.0000000Z ##[section]Finishing: test',
      '2026-11-20T08:00:06.0000000Z [command]/usr/bin/git version',
      '2026-11-20T08:00:07.0000000Z ##[error]Process completed with exit code 1.',
    ]
      .join('\n')
      .replaceAll('[36;1m', `${ESC}[36;1m`)
      .replaceAll('[0m', `${ESC}[0m`);
    expect(cleanLogLines(log, none)).toEqual([
      'Run npm test',
      'npm test',
      'shell: /usr/bin/bash -e {0}',
      'Finishing: test',
      '/usr/bin/git version',
      'Process completed with exit code 1.',
    ]);
  });

  it('removes GitLab section markers and keeps what \\r left on screen', () => {
    const trace =
      `${ESC}[0KRunning with gitlab-runner 17.5.0 (abc)\n` +
      `section_start:1732089602:prepare_executor[collapsed=true]\r${ESC}[0K${ESC}[0K${ESC}[36;1mPreparing the "docker" executor${ESC}[0;m\n` +
      `section_end:1732089603:prepare_executor\r${ESC}[0Ksection_start:1732089603:step_script\r${ESC}[0K${ESC}[0K${ESC}[36;1mExecuting "step_script" stage${ESC}[0;m\n` +
      `Downloading  10%\rDownloading  55%\rDownloading 100%\r\n` +
      `progress\r${ESC}[K\n` +
      `${ESC}[31;1mERROR: Job failed: exit code 1${ESC}[0;m\r\n` +
      `section_end:1732089610:step_script\r${ESC}[0K\n`;
    expect(cleanLogLines(trace, none)).toEqual([
      'Running with gitlab-runner 17.5.0 (abc)',
      'Preparing the "docker" executor',
      'Executing "step_script" stage',
      'Downloading 100%',
      'ERROR: Job failed: exit code 1',
    ]);
  });

  it('removes GitLab runner timestamps with their stream tags', () => {
    const trace =
      '2026-11-20T08:00:02.123456Z 00O Running with gitlab-runner 17.5.0\n' +
      '2026-11-20T08:00:03.000001Z 01E+npm ERR! code 1\n';
    expect(cleanLogLines(trace, none)).toEqual(['Running with gitlab-runner 17.5.0', 'npm ERR! code 1']);
  });

  it('returns no lines for an empty log or one that is all markup', () => {
    expect(cleanLogLines('', none)).toEqual([]);
    expect(cleanLogLines('2026-11-20T08:00:05.0000000Z ##[endgroup]\n', none)).toEqual([]);
  });
});

describe('cleanLogLines: redaction', () => {
  it('redacts the common token shapes', () => {
    const tokens = [
      `ghp_${'a1B2'.repeat(9)}`,
      `gho_${'Z9y8'.repeat(9)}`,
      `ghs_${'q7W6'.repeat(9)}`,
      `github_pat_11ABCDEFG0${'x'.repeat(12)}_${'y'.repeat(59)}`,
      'glpat-Ab3dEf6hIj9kLm2nOp5q',
      'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
      'xoxp-2-3-4-abcdef0123456789',
      'AKIAIOSFODNN7EXAMPLE',
    ];
    const log = tokens.map((token, i) => `${i}: url=https://x-access-token:${token}@github.com/acme/shop`).join('\n');
    expect(cleanLogLines(log, none)).toEqual(
      tokens.map((_, i) => `${i}: url=https://x-access-token:***@github.com/acme/shop`),
    );
  });

  it('leaves ordinary words that only start like tokens', () => {
    const log = 'ghp_short xoxb- AKIA_NOT_A_KEY MYAKIAIOSFODNN7EXAMPLEX glpat-short';
    expect(cleanLogLines(log, none)).toEqual([log]);
  });

  it('redacts whole private key blocks across stamped lines, and a key whose start was cut off', () => {
    const key = [
      '-----BEGIN RSA PRIVATE KEY-----',
      'MIIEowIBAAKCAQEAx7Hu0vVwJ3x2QeP9pXn0sR7y6mQk1JzVbq0mTn5u8Fv2Lk3H',
      'q3Zt==',
      '-----END RSA PRIVATE KEY-----',
    ];
    const stamped = ['before', ...key, 'after'].map((line) => `2026-11-20T08:00:05.0000000Z ${line}`).join('\n');
    expect(cleanLogLines(stamped, none)).toEqual(['before', '***', 'after']);
    expect(cleanLogLines(['before', ...key.slice(1), 'after'].join('\n'), none)).toEqual(['before', '***', 'after']);
    const openssh = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n';
    expect(cleanLogLines(`cat key\n${openssh}`, none)).toEqual(['cat key', '***']);
  });

  it('redacts configured secrets, in every form and across lines, after markup is gone', () => {
    const secrets = ['s3cr3t-Hook-Value', 'pa ss/wörd', 'line one\nline two', 'abc'];
    const log = [
      `2026-11-20T08:00:05.0000000Z curl -H "X-Key: s3cr3t-${ESC}[0mHook-Value"`,
      '2026-11-20T08:00:05.0000000Z url=https://h/?p=pa%20ss%2Fw%C3%B6rd',
      '2026-11-20T08:00:05.0000000Z line one',
      '2026-11-20T08:00:05.0000000Z line two',
      '2026-11-20T08:00:05.0000000Z abc stands alone, so even a short secret is hidden; abcdef stays',
    ].join('\n');
    expect(cleanLogLines(log, { secrets })).toEqual([
      'curl -H "X-Key: ***"',
      'url=https://h/?p=***',
      '***',
      '*** stands alone, so even a short secret is hidden; abcdef stays',
    ]);
  });

  it('redacts before cutting a long line, so no part of a secret is left at the cut', () => {
    const secret = 'Z'.repeat(30);
    const line = `${'a'.repeat(MAX_LINE_CHARS - 10)}${secret}${'b'.repeat(100)}`;
    const [cleaned] = cleanLogLines(line, { secrets: [secret] });
    expect(cleaned).toBe(`${'a'.repeat(MAX_LINE_CHARS - 10)}***${'b'.repeat(7)}… (93 more characters)`);
  });
});

describe('line helpers', () => {
  it('cuts a long line with a marker, never inside a surrogate pair', () => {
    expect(boundLine('x'.repeat(MAX_LINE_CHARS))).toBe('x'.repeat(MAX_LINE_CHARS));
    expect(boundLine('abcdef', 4)).toBe('abcd… (2 more characters)');
    expect(boundLine('abc😀def', 4)).toBe('abc… (5 more characters)');
  });

  it('lastLines keeps the last n lines', () => {
    expect(lastLines(['a', 'b', 'c'], 2)).toEqual(['b', 'c']);
    expect(lastLines(['a', 'b', 'c'], 5)).toEqual(['a', 'b', 'c']);
    expect(lastLines(['a', 'b', 'c'], 0)).toEqual([]);
  });

  it('fitLastLines keeps the most last lines within a character limit', () => {
    expect(fitLastLines(['first', 'second', 'third'], 12)).toEqual(['second', 'third']);
    expect(fitLastLines(['first', 'second', 'third'], 18)).toEqual(['first', 'second', 'third']);
    expect(fitLastLines(['a very long last line'], 6)).toEqual(['… line']);
    expect(fitLastLines([], 10)).toEqual([]);
  });

  it('reads the time a GitHub line is stamped with, in any time zone', () => {
    expect(logLineTime('2026-11-20T08:00:02.1234567Z text')).toBe(Date.UTC(2026, 10, 20, 8, 0, 2, 123));
    expect(logLineTime('2026-11-20T08:00:02Z')).toBe(Date.UTC(2026, 10, 20, 8, 0, 2));
    expect(logLineTime('no stamp')).toBeUndefined();
  });
});
