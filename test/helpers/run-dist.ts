// Runs the built dist/index.js as a runner would: a clean environment (nothing inherited but
// PATH), INPUT_* / GITHUB_* or CI_* / NOTIFY_* variables, and the output and summary files.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const DIST = resolve(import.meta.dirname, '../../dist/index.js');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  ms: number;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  argv?: string[];
  /** An event payload, written to a file named by GITHUB_EVENT_PATH. */
  event?: unknown;
  cwd?: string;
  /** Node options before the script (e.g. --import of a test preload). */
  execArgv?: string[];
}

/** The GITHUB_OUTPUT file format: `name<<DELIMITER`, the value, the delimiter. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '');
    if (!match) continue;
    const [, name, delimiter] = match as unknown as [string, string, string];
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
    outputs[name] = value.join('\n');
  }
  return outputs;
}

/** A runner-like GitHub environment for run 8123456789 of acme/shop. */
export function githubEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_RUN_ID: '8123456789',
    GITHUB_RUN_NUMBER: '47',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'CI',
    GITHUB_JOB: 'notify',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_SHA: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_REF_TYPE: 'branch',
    GITHUB_ACTOR: 'Codertocat',
    GITHUB_ACTOR_ID: '21031067',
    GITHUB_TRIGGERING_ACTOR: 'Codertocat',
    RUNNER_NAME: 'GitHub Actions 1000',
    RUNNER_OS: 'Linux',
    ...overrides,
  };
}

export function runDist(options: RunOptions = {}): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'wn-run-'));
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  if (options.env?.GITHUB_ACTIONS === 'true') {
    env.GITHUB_OUTPUT = outputFile;
    env.GITHUB_STEP_SUMMARY = summaryFile;
  }
  if (options.event !== undefined) {
    const eventFile = join(dir, 'event.json');
    writeFileSync(eventFile, JSON.stringify(options.event));
    env.GITHUB_EVENT_PATH = eventFile;
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value !== undefined) env[name] = value;
  }
  const started = Date.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...(options.execArgv ?? []), DIST, ...(options.argv ?? [])], {
      env,
      cwd: options.cwd ?? dir,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    // The run's folder (output, summary, event files) goes once the run has ended.
    const clean = () => rmSync(dir, { recursive: true, force: true });
    child.on('error', (error) => {
      clean();
      fail(error);
    });
    child.on('close', (code) => {
      const result = {
        code,
        stdout,
        stderr,
        outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
        summary: readFileSync(summaryFile, 'utf8'),
        ms: Date.now() - started,
      };
      clean();
      done(result);
    });
  });
}
