import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIO } from '../src/io/index.js';
import { parseOutputFile } from './helpers/run-dist.js';

const dir = mkdtempSync(join(tmpdir(), 'wn-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What @actions/core writes to process.stdout during `act`. */
function stdoutOf(act: () => void): string {
  let text = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    text += String(chunk);
    return true;
  });
  try {
    act();
  } finally {
    spy.mockRestore();
  }
  return text;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';

describe('inputs', () => {
  it('reads a GitHub input from the IO own env as core.getInput does: INPUT_<NAME>, trimmed', () => {
    const io = createIO(
      {
        GITHUB_ACTIONS: 'true',
        INPUT_WEBHOOK: '  https://h.example.com/x\n',
        'INPUT_DRY-RUN': 'true',
        INPUT_SECRET: ' \n',
      },
      () => {},
    );
    expect(io.input('webhook')).toBe('https://h.example.com/x');
    expect(io.input('dry-run')).toBe('true');
    expect(io.input('secret')).toBeUndefined();
    expect(io.input('type')).toBeUndefined();
    expect(io.inputVariable('github token')).toBe('INPUT_GITHUB_TOKEN');
  });

  it('reads NOTIFY_<NAME> elsewhere, hyphens turned to underscores, trimmed', () => {
    const io = createIO(
      { GITLAB_CI: 'true', NOTIFY_DRY_RUN: ' true ', 'INPUT_DRY-RUN': 'false', NOTIFY_TYPE: '' },
      () => {},
    );
    expect(io.input('dry-run')).toBe('true');
    expect(io.input('type')).toBeUndefined();
  });
});

describe('the GitHub runner protocol', () => {
  let output: string;
  let summary: string;
  beforeEach(() => {
    output = join(dir, `output-${Math.random()}`);
    summary = join(dir, `summary-${Math.random()}`);
    writeFileSync(output, '');
    writeFileSync(summary, '');
  });
  afterEach(() => vi.restoreAllMocks());

  const github = () =>
    createIO({ GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary }, () => {
      throw new Error('GitHub output goes through @actions/core to process.stdout');
    });

  it('writes outputs as given (the report redacts JSON value by value) and the summary redacted', () => {
    const io = github();
    io.redactor.add('true');
    io.redactor.add('s3cr3t-value');
    expect(io.hasOutputs).toBe(true);
    // Plain-text redaction here would turn `true` into `***` and break the JSON.
    io.setOutput('payload', '{"a":true}\nline two');
    io.setOutput('sent', '1');
    io.appendSummary('## ✅ sent with s3cr3t-value\n');
    const written = readFileSync(output, 'utf8');
    expect(written).toMatch(new RegExp(`^payload<<ghadelimiter_${UUID}\n`));
    expect(parseOutputFile(written)).toEqual({ payload: '{"a":true}\nline two', sent: '1' });
    expect(readFileSync(summary, 'utf8')).toBe('## ✅ sent with ***\n');
  });

  it('masks a secret, and each line of a multi-line one', () => {
    const io = github();
    const text = stdoutOf(() =>
      io.mask(['-----BEGIN KEY-----\nMIIEvQIBADANBg\n}\n', 'plain-token', 'plain-token', ' ']),
    );
    expect(text).toBe(
      [
        '::add-mask::-----BEGIN KEY-----%0AMIIEvQIBADANBg%0A}%0A',
        '::add-mask::-----BEGIN KEY-----',
        '::add-mask::MIIEvQIBADANBg',
        '::add-mask::plain-token',
        '',
      ].join('\n'),
    );
  });

  it('writes annotations and debug lines as commands, redacted, their newlines escaped', () => {
    const io = github();
    io.redactor.add('s3cr3t-value');
    const text = stdoutOf(() => {
      io.warning('bad s3cr3t-value\n::error::x');
      io.error('100% failed');
      io.debug('read 3 pages');
    });
    expect(text).toBe('::warning::bad ***%0A::error::x\n::error::100%25 failed\n::debug::read 3 pages\n');
  });

  it('fences a line that could hold a command with stop-commands and a fresh random token', () => {
    const io = github();
    const text = stdoutOf(() => {
      io.info('✓ webhook "ops" delivered in 184 ms');
      io.info('  body: {"remark":"::error::x"}');
      io.info('##[set-output name=status]passed');
      io.info('first\nsecond');
    });
    const lines = text.split('\n');
    expect(lines[0]).toBe('✓ webhook "ops" delivered in 184 ms');
    const fences = [1, 4, 7].map((start) => {
      const token = new RegExp(`^::stop-commands::(${UUID})$`).exec(lines[start]!)?.[1];
      expect(token).toBeDefined();
      return token!;
    });
    expect(lines.slice(1)).toEqual([
      `::stop-commands::${fences[0]}`,
      '  body: {"remark":"::error::x"}',
      `::${fences[0]}::`,
      `::stop-commands::${fences[1]}`,
      '##[set-output name=status]passed',
      `::${fences[1]}::`,
      `::stop-commands::${fences[2]}`,
      'first',
      'second',
      `::${fences[2]}::`,
      '',
    ]);
    expect(new Set(fences).size).toBe(3);
  });

  it('draws another delimiter or fence token when the text holds the first one drawn', () => {
    const io = github();
    // The first token drawn is all zeros (31 random digits), the next one random.
    const zeros = '00000000-0000-4000-8000-000000000000';
    const draw = () => {
      const random = vi.spyOn(Math, 'random');
      for (let i = 0; i < 31; i++) random.mockReturnValueOnce(0);
    };
    draw();
    io.setOutput('payload', `a\nghadelimiter_${zeros}\nb`);
    const written = readFileSync(output, 'utf8');
    expect(written).toMatch(new RegExp(`^payload<<ghadelimiter_${UUID}\n`));
    expect(written.split('\n')[0]).not.toBe(`payload<<ghadelimiter_${zeros}`);
    expect(parseOutputFile(written)).toEqual({ payload: `a\nghadelimiter_${zeros}\nb` });
    draw();
    const text = stdoutOf(() => io.info(`::${zeros}::`));
    const token = new RegExp(`^::stop-commands::(${UUID})\n`).exec(text)?.[1];
    expect(token).toBeDefined();
    expect(token).not.toBe(zeros);
    expect(text).toBe(`::stop-commands::${token}\n::${zeros}::\n::${token}::\n`);
  });
});

describe('other platforms', () => {
  it('print plain redacted lines to their writer and never a runner command', () => {
    let text = '';
    const io = createIO({ GITLAB_CI: 'true', CI_DEBUG_TRACE: 'true' }, (chunk) => (text += chunk));
    io.redactor.add('s3cr3t-value');
    io.mask(['s3cr3t-value']);
    io.info('::error::x s3cr3t-value');
    io.warning('w');
    io.error('e');
    io.debug('d');
    io.setOutput('status', 'passed');
    expect(io.hasOutputs).toBe(false);
    expect(text).toBe('::error::x ***\nwarning: w\nerror: e\ndebug: d\n');
  });
});
