import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../src/http.js';
import {
  failedGitHubJobs,
  failedGitLabJobs,
  readFailedLogs,
  readGitHubJobLog,
  readGitLabJobTrace,
  stepScriptSection,
  type GitHubJob,
} from '../src/context/logs.js';
import { githubJob } from './helpers/github-jobs.js';
import { gitlabJob } from './helpers/gitlab-api.js';
import {
  githubLog,
  startGitHubLogs,
  startGitLabTraces,
  startLogServer,
  type GitHubLogs,
  type LogReply,
  type LogServer,
} from './helpers/log-api.js';

const ESC = '\x1b';
const TOKEN = 'ghs_16C7e42F292c6912E7710c838347Ae178B4a';
const HOOK_SECRET = 'Hook-s3cr3t-9f8e7d';
const policy = { retries: 0, timeoutMs: 5000 };

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function githubLogs(options: Parameters<typeof startGitHubLogs>[0]): Promise<GitHubLogs> {
  const logs = await startGitHubLogs(options);
  servers.push(logs);
  return logs;
}

async function server(reply: Parameters<typeof startLogServer>[0]): Promise<LogServer> {
  const started = await startLogServer(reply);
  servers.push(started);
  return started;
}

/** A job in the jobs API's shape whose third step failed between 08:01:10 and 08:01:20. */
function testJob(id: number, name = 'test (ubuntu-latest, 24)'): GitHubJob {
  const step = (number: number, stepName: string, conclusion: string, start: string, end: string) => ({
    name: stepName,
    number,
    conclusion,
    started_at: `2026-11-20T08:01:${start}Z`,
    completed_at: `2026-11-20T08:01:${end}Z`,
  });
  return {
    id,
    name,
    steps: [
      step(1, 'Set up job', 'success', '05', '07'),
      step(2, 'Run actions/checkout@v4', 'success', '07', '09'),
      step(3, 'Run npm test', 'failure', '10', '20'),
      step(4, 'Post Run actions/checkout@v4', 'success', '21', '21'),
      step(5, 'Complete job', 'success', '21', '21'),
    ],
  };
}

const NPM_TOKEN = `ghp_${'R4nd0mT0k3n'.repeat(3)}abc`;
const JOB_LOG = githubLog([
  ['2026-11-20T08:01:05.1234567Z', "Current runner version: '2.321.0'"],
  ['2026-11-20T08:01:05.2000000Z', '##[group]Operating System'],
  ['2026-11-20T08:01:05.2000000Z', 'Ubuntu'],
  ['2026-11-20T08:01:05.2000000Z', '##[endgroup]'],
  ['2026-11-20T08:01:07.5000000Z', '##[group]Run actions/checkout@v4'],
  ['2026-11-20T08:01:08.0000000Z', 'Syncing repository: acme/shop'],
  ['2026-11-20T08:01:09.9000000Z', '##[endgroup]'],
  ['2026-11-20T08:01:10.1000000Z', '##[group]Run npm test'],
  ['2026-11-20T08:01:10.1000000Z', `${ESC}[36;1mnpm test${ESC}[0m`],
  ['2026-11-20T08:01:10.1000000Z', 'shell: /usr/bin/bash -e {0}'],
  ['2026-11-20T08:01:10.1000000Z', '##[endgroup]'],
  ['2026-11-20T08:01:11.2000000Z', '> shop@1.0.0 test'],
  ['2026-11-20T08:01:12.0000000Z', `${ESC}[31m✗ cart total${ESC}[39m`],
  ['2026-11-20T08:01:12.0000000Z', `npm config set //registry.npmjs.org/:_authToken=${NPM_TOKEN}`],
  ['2026-11-20T08:01:12.1000000Z', `POST https://hooks.example.com/${HOOK_SECRET} -> 500`],
  ['2026-11-20T08:01:20.4000000Z', '##[error]Process completed with exit code 1.'],
  ['2026-11-20T08:01:21.3000000Z', 'Post job cleanup.'],
  ['2026-11-20T08:01:21.4000000Z', 'Cleaning up orphan processes'],
]);
const FAILED_STEP_LINES = [
  'Run npm test',
  'npm test',
  'shell: /usr/bin/bash -e {0}',
  '> shop@1.0.0 test',
  '✗ cart total',
  'npm config set //registry.npmjs.org/:_authToken=***',
  'POST https://hooks.example.com/*** -> 500',
  'Process completed with exit code 1.',
];

function github(api: string, job: GitHubJob, lines = 200) {
  return { api, token: TOKEN, owner: 'acme', repo: 'shop', job, lines, policy, secrets: [HOOK_SECRET] };
}

describe('readGitHubJobLog', () => {
  it("follows the redirect without Authorization and keeps the failed step's lines, cleaned and redacted", async () => {
    const logs = await githubLogs({ token: TOKEN, logs: { '101': JOB_LOG } });
    const read = await readGitHubJobLog(github(logs.api.url, testJob(101)));
    expect(read).toEqual({ job: 'test (ubuntu-latest, 24)', step: 'Run npm test', lines: FAILED_STEP_LINES });
    expect(logs.api.requests.map((r) => [r.url, r.headers.authorization])).toEqual([
      ['/repos/acme/shop/actions/jobs/101/logs', `Bearer ${TOKEN}`],
    ]);
    expect(logs.leaks).toEqual([]);
    expect(logs.storage.requests).toHaveLength(1);
    expect(logs.storage.requests[0]!.headers.authorization).toBeUndefined();
    expect(logs.storage.requests[0]!.headers['user-agent']).toMatch(/^workflow-notify\//);
  });

  it('keeps the last N lines', async () => {
    const logs = await githubLogs({ token: TOKEN, logs: { '101': JOB_LOG } });
    const read = await readGitHubJobLog(github(logs.api.url, testJob(101), 2));
    expect(read).toEqual({ job: 'test (ubuntu-latest, 24)', step: 'Run npm test', lines: FAILED_STEP_LINES.slice(-2) });
  });

  it("falls back to the whole log's last lines when the step's times match no line", async () => {
    const logs = await githubLogs({ token: TOKEN, logs: { '101': JOB_LOG } });
    const job = testJob(101);
    job.steps[2] = { ...job.steps[2]!, started_at: '2026-11-21T09:00:00Z', completed_at: '2026-11-21T09:00:05Z' };
    const read = await readGitHubJobLog(github(logs.api.url, job, 3));
    expect(read).toEqual({
      job: 'test (ubuntu-latest, 24)',
      step: 'Run npm test',
      lines: ['Process completed with exit code 1.', 'Post job cleanup.', 'Cleaning up orphan processes'],
    });
  });

  it("reads the whole log's last lines of a job without a failed step (timed out)", async () => {
    const logs = await githubLogs({ token: TOKEN, logs: { '101': JOB_LOG } });
    const job = testJob(101, 'build');
    job.steps = job.steps.map((step) => ({ ...step, conclusion: step.number === 3 ? 'cancelled' : 'success' }));
    const read = await readGitHubJobLog(github(logs.api.url, job, 1));
    expect(read).toEqual({ job: 'build', step: '', lines: ['Cleaning up orphan processes'] });
  });

  it.each([
    [403, 'HTTP 403: add "permissions: actions: read" to the workflow or job'],
    [410, 'HTTP 410: the log has expired'],
  ])('turns a %i answer into a warning naming the job', async (status, reason) => {
    const logs = await githubLogs({ token: TOKEN, logs: { '101': { status } } });
    const read = await readGitHubJobLog(github(logs.api.url, testJob(101)));
    expect(read).toEqual({
      warning: `Cannot read the log of job "test (ubuntu-latest, 24)" (${reason}); the notification goes out without it.`,
    });
    expect(logs.storage.requests).toEqual([]);
  });

  it('turns a missing log (404) and a wrong token (401) into warnings that never show the token', async () => {
    const logs = await githubLogs({ token: TOKEN, logs: {} });
    const missing = await readGitHubJobLog(github(logs.api.url, testJob(404, 'lint')));
    expect(missing).toEqual({
      warning:
        'Cannot read the log of job "lint" (HTTP 404: the log is gone, or the token lacks "permissions: actions: read"); the notification goes out without it.',
    });
    const wrongToken = `ghs_${'W'.repeat(36)}`;
    const refused = await readGitHubJobLog({ ...github(logs.api.url, testJob(101, 'lint')), token: wrongToken });
    expect(refused).toEqual({
      warning:
        'Cannot read the log of job "lint" (HTTP 401: the github-token is not valid); the notification goes out without it.',
    });
  });

  it('turns an unreachable API into a warning', async () => {
    const closed = await startLogServer(() => ({}));
    await closed.close();
    const read = await readGitHubJobLog(github(closed.url, testJob(101)));
    expect(read).toEqual({
      warning:
        'Cannot read the log of job "test (ubuntu-latest, 24)" (the connection was refused (ECONNREFUSED)); the notification goes out without it.',
    });
  });

  it('retries the API and the log storage, asking the API for a fresh address each time', async () => {
    const storage = await server((_request, self) =>
      self.requests.length === 1 ? { status: 500, body: 'InternalError' } : { body: JOB_LOG },
    );
    const api = await server((_request, self): LogReply =>
      self.requests.length === 1
        ? { status: 503, headers: { 'Retry-After': '2' } }
        : { status: 302, headers: { Location: `${storage.url}/logs/101.txt?sig=${self.requests.length}` } },
    );
    const waits: number[] = [];
    let now = 0;
    const clock: Clock = {
      now: () => now,
      random: () => 0,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    };
    const read = await readGitHubJobLog({
      ...github(api.url, testJob(101)),
      policy: { retries: 2, timeoutMs: 5000, backoffMs: 100 },
      clock,
    });
    expect(read).toEqual({ job: 'test (ubuntu-latest, 24)', step: 'Run npm test', lines: FAILED_STEP_LINES });
    expect(waits).toEqual([2000, 100]);
    expect(storage.requests.map((r) => r.url)).toEqual(['/logs/101.txt?sig=2', '/logs/101.txt?sig=3']);
  });

  it('stops after a few redirects, and never follows one to another scheme', async () => {
    const loop = await server(() => ({ status: 302, headers: { Location: '/again' } }));
    expect(await readGitHubJobLog(github(loop.url, testJob(101, 'lint')))).toEqual({
      warning: 'Cannot read the log of job "lint" (too many redirects); the notification goes out without it.',
    });
    expect(loop.requests.map((r) => r.url)).toEqual([
      '/repos/acme/shop/actions/jobs/101/logs',
      '/again',
      '/again',
      '/again',
    ]);
    const elsewhere = await server(() => ({ status: 302, headers: { Location: 'file:///etc/passwd' } }));
    expect(await readGitHubJobLog(github(elsewhere.url, testJob(101, 'lint')))).toEqual({
      warning:
        'Cannot read the log of job "lint" (the log address redirects to an unusable address); the notification goes out without it.',
    });
  });

  it('reads a long log: many lines, each bounded', async () => {
    const lines: [string, string][] = [['2026-11-20T08:01:10.0000000Z', '##[group]Run npm test']];
    for (let i = 0; i < 5000; i++) lines.push(['2026-11-20T08:01:15.0000000Z', `line ${i}`]);
    lines.push(['2026-11-20T08:01:19.0000000Z', 'x'.repeat(20_000)]);
    const logs = await githubLogs({ token: TOKEN, logs: { '101': githubLog(lines) } });
    const read = await readGitHubJobLog(github(logs.api.url, testJob(101), 200));
    expect('lines' in read && read.lines).toEqual([
      ...Array.from({ length: 199 }, (_, i) => `line ${4801 + i}`),
      `${'x'.repeat(500)}… (19500 more characters)`,
    ]);
  });

  it('reads a log larger than the answer limit when the failed step ends within its start, else warns', async () => {
    const filler = 'y'.repeat(100);
    const after: [string, string][] = Array.from({ length: 50_000 }, () => ['2026-11-20T08:01:21.5000000Z', filler]);
    const stepFirst = githubLog([
      ['2026-11-20T08:01:10.1000000Z', '##[group]Run npm test'],
      ['2026-11-20T08:01:19.0000000Z', '##[error]Process completed with exit code 1.'],
      ...after,
    ]);
    const stepLast = githubLog([...after.map(([, text]) => ['2026-11-20T08:01:09.0000000Z', text] as const)]);
    expect(Buffer.byteLength(stepFirst)).toBeGreaterThan(5 * 1024 * 1024);
    const logs = await githubLogs({ token: TOKEN, logs: { '101': stepFirst, '102': stepLast } });
    expect(await readGitHubJobLog(github(logs.api.url, testJob(101)))).toEqual({
      job: 'test (ubuntu-latest, 24)',
      step: 'Run npm test',
      lines: ['Run npm test', 'Process completed with exit code 1.'],
    });
    expect(await readGitHubJobLog(github(logs.api.url, testJob(102)))).toEqual({
      warning:
        'Cannot read the log of job "test (ubuntu-latest, 24)" (the log is too large: only its start can be read); the notification goes out without it.',
    });
  });
});

const TRACE = [
  `${ESC}[0KRunning with gitlab-runner 17.5.0 (66269445)${ESC}[0;m`,
  `${ESC}[0K  on shared-runner t3_abc${ESC}[0;m`,
  `section_start:1795161600:prepare_executor[collapsed=true]\r${ESC}[0K${ESC}[0K${ESC}[36;1mPreparing the "docker" executor${ESC}[0;m`,
  `${ESC}[0KUsing Docker executor with image node:24 ...${ESC}[0;m`,
  `section_end:1795161601:prepare_executor\r${ESC}[0Ksection_start:1795161602:get_sources\r${ESC}[0K${ESC}[0K${ESC}[36;1mGetting source from Git repository${ESC}[0;m`,
  'Fetching changes with git depth set to 20...',
  `section_end:1795161603:get_sources\r${ESC}[0K`,
  `section_start:1795161604:step_script\r${ESC}[0K${ESC}[0K${ESC}[36;1mExecuting "step_script" stage of the job script${ESC}[0;m`,
  `${ESC}[32;1m$ npm ci${ESC}[0;m`,
  'added 12 packages  10%\radded 120 packages  50%\radded 240 packages in 3s\r',
  `${ESC}[32;1m$ echo "//registry.npmjs.org/:_authToken=glpat-Xy7Zq9Wv3Tu5Rs1Pq2Ab" > .npmrc${ESC}[0;m`,
  `${ESC}[32;1m$ npm test${ESC}[0;m`,
  'FAIL cart.test.js',
  `  POST https://hooks.example.com/${HOOK_SECRET} answered 500`,
  `section_end:1795161610:step_script\r${ESC}[0K`,
  `section_start:1795161610:upload_artifacts_on_failure\r${ESC}[0K${ESC}[0K${ESC}[36;1mUploading artifacts for failed job${ESC}[0;m`,
  `section_end:1795161611:upload_artifacts_on_failure\r${ESC}[0K`,
  `${ESC}[31;1mERROR: Job failed: exit code 1`,
  `${ESC}[0;m`,
  '',
].join('\n');
const STEP_SCRIPT_LINES = [
  'Executing "step_script" stage of the job script',
  '$ npm ci',
  'added 240 packages in 3s',
  '$ echo "//registry.npmjs.org/:_authToken=***" > .npmrc',
  '$ npm test',
  'FAIL cart.test.js',
  '  POST https://hooks.example.com/*** answered 500',
];
const GITLAB_TOKEN = 'glpat-Rk2Lm4Np6Qr8St0Uv1Wx';

function gitlab(api: string, id: number, lines = 200) {
  return {
    api: `${api}/api/v4`,
    token: GITLAB_TOKEN,
    projectId: '4711',
    job: { id, name: 'unit' },
    lines,
    policy,
    secrets: [HOOK_SECRET],
  };
}

describe('readGitLabJobTrace', () => {
  it('keeps the step_script section, cleaned and redacted, reading with PRIVATE-TOKEN', async () => {
    const api = await startGitLabTraces({ token: GITLAB_TOKEN, traces: { '8001': TRACE } });
    servers.push(api);
    expect(await readGitLabJobTrace(gitlab(api.url, 8001))).toEqual({
      job: 'unit',
      step: 'step_script',
      lines: STEP_SCRIPT_LINES,
    });
    expect(await readGitLabJobTrace(gitlab(api.url, 8001, 2))).toEqual({
      job: 'unit',
      step: 'step_script',
      lines: STEP_SCRIPT_LINES.slice(-2),
    });
    expect(api.requests.map((r) => [r.url, r.headers['private-token']])).toEqual([
      ['/api/v4/projects/4711/jobs/8001/trace', GITLAB_TOKEN],
      ['/api/v4/projects/4711/jobs/8001/trace', GITLAB_TOKEN],
    ]);
  });

  it('reads the whole trace when it has no step_script section', async () => {
    const api = await startGitLabTraces({ token: GITLAB_TOKEN, traces: { '8002': 'Checking out\nnpm ERR! code 1\n' } });
    servers.push(api);
    expect(await readGitLabJobTrace(gitlab(api.url, 8002))).toEqual({
      job: 'unit',
      step: 'step_script',
      lines: ['Checking out', 'npm ERR! code 1'],
    });
  });

  it('follows a redirect to object storage without the token', async () => {
    const storage = await server(() => ({ body: TRACE }));
    const api = await startGitLabTraces({
      token: GITLAB_TOKEN,
      traces: { '8003': { status: 302, headers: { Location: `${storage.url}/job.log?X-Amz-Signature=abc` } } },
    });
    servers.push(api);
    const read = await readGitLabJobTrace(gitlab(api.url, 8003));
    expect('lines' in read && read.lines).toEqual(STEP_SCRIPT_LINES);
    expect(storage.requests[0]!.headers['private-token']).toBeUndefined();
  });

  it('turns 401, 403 and 404 answers into warnings naming the job', async () => {
    const api = await startGitLabTraces({ token: GITLAB_TOKEN, traces: { '8004': { status: 403, body: '{}' } } });
    servers.push(api);
    const warnings = await Promise.all([
      readGitLabJobTrace({ ...gitlab(api.url, 8004), token: 'glpat-wrongwrongwrongwrong' }),
      readGitLabJobTrace(gitlab(api.url, 8004)),
      readGitLabJobTrace(gitlab(api.url, 9999)),
    ]);
    expect(warnings).toEqual(
      [
        'HTTP 401: the GitLab token is not valid or has expired',
        'HTTP 403: give the token the read_api scope (and at least Reporter access to the project)',
        'HTTP 404: the trace is gone, or the token cannot see this project',
      ].map((reason) => ({
        warning: `Cannot read the log of job "unit" (${reason}); the notification goes out without it.`,
      })),
    );
  });

  it('finds the step_script section by its exact name', () => {
    expect(stepScriptSection('a\nsection_start:1:step_script_x\r\nb\n')).toEqual({
      text: 'a\nsection_start:1:step_script_x\r\nb\n',
      ended: false,
    });
    expect(stepScriptSection('section_start:1:step_script[collapsed=true]\rmid\nsection_end:2:step_script\r')).toEqual({
      text: '\rmid\n',
      ended: true,
    });
  });
});

describe('readFailedLogs', () => {
  it('reads at most three failed jobs, concurrently, in their order', async () => {
    const ids = [201, 202, 203, 204, 205];
    const logs = await githubLogs({
      token: TOKEN,
      logs: Object.fromEntries(ids.map((id) => [String(id), JOB_LOG])),
      gate: 3,
    });
    const result = await readFailedLogs(
      {
        platform: 'github',
        api: logs.api.url,
        token: TOKEN,
        owner: 'acme',
        repo: 'shop',
        jobs: ids.map((id) => testJob(id, `job ${id}`)),
      },
      { lines: 1, secrets: [], policy },
    );
    expect(result).toEqual({
      logs: ['job 201', 'job 202', 'job 203'].map((job) => ({
        job,
        step: 'Run npm test',
        lines: ['Process completed with exit code 1.'],
      })),
      warnings: [],
    });
    expect(logs.api.requests.map((r) => r.url).sort()).toEqual(
      [201, 202, 203].map((id) => `/repos/acme/shop/actions/jobs/${id}/logs`),
    );
    expect(logs.api.maxInFlight).toBe(3);
  });

  it('returns the logs it could read and a warning for each it could not', async () => {
    const logs = await githubLogs({ token: TOKEN, logs: { '301': JOB_LOG, '302': { status: 403 } } });
    const result = await readFailedLogs(
      {
        platform: 'github',
        api: logs.api.url,
        token: TOKEN,
        owner: 'acme',
        repo: 'shop',
        jobs: [testJob(301, 'a'), testJob(302, 'b')],
      },
      { lines: 200, secrets: [HOOK_SECRET], policy },
    );
    expect(result).toEqual({
      logs: [{ job: 'a', step: 'Run npm test', lines: FAILED_STEP_LINES }],
      warnings: [
        'Cannot read the log of job "b" (HTTP 403: add "permissions: actions: read" to the workflow or job); the notification goes out without it.',
      ],
    });
  });

  it('reads nothing with log-lines 0, and at most 200 lines with more', async () => {
    const lines: [string, string][] = Array.from({ length: 300 }, (_, i) => ['2026-11-20T08:01:15.0000000Z', `l${i}`]);
    const logs = await githubLogs({ token: TOKEN, logs: { '401': githubLog(lines) } });
    const source = {
      platform: 'github',
      api: logs.api.url,
      token: TOKEN,
      owner: 'acme',
      repo: 'shop',
      jobs: [testJob(401)],
    } as const;
    expect(await readFailedLogs(source, { lines: 0, secrets: [], policy })).toEqual({ logs: [], warnings: [] });
    expect(logs.api.requests).toEqual([]);
    const result = await readFailedLogs(source, { lines: 500, secrets: [], policy });
    expect(result.logs[0]!.lines).toEqual(Array.from({ length: 200 }, (_, i) => `l${100 + i}`));
  });

  it("turns an unexpected error while reading one job into that job's warning", async () => {
    const logs = await githubLogs({ token: TOKEN, logs: { '501': JOB_LOG } });
    const broken = { id: 501, name: 'odd', steps: null } as unknown as GitHubJob;
    const result = await readFailedLogs(
      { platform: 'github', api: logs.api.url, token: TOKEN, owner: 'acme', repo: 'shop', jobs: [broken] },
      { lines: 5, secrets: [], policy },
    );
    expect(result.logs).toEqual([]);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(
      /^Cannot read the log of job "odd" \(.+\); the notification goes out without it\.$/,
    );
  });

  it('warns once without a token', async () => {
    expect(
      await readFailedLogs(
        {
          platform: 'gitlab',
          api: 'http://127.0.0.1:9/api/v4',
          token: '',
          projectId: '4711',
          jobs: [{ id: 1, name: 'unit' }],
        },
        { lines: 20, secrets: [], policy },
      ),
    ).toEqual({ logs: [], warnings: ["Cannot read the failed jobs' logs without a GitLab token with read_api."] });
  });

  it('reads GitLab traces', async () => {
    const api = await startGitLabTraces({ token: GITLAB_TOKEN, traces: { '8001': TRACE } });
    servers.push(api);
    const result = await readFailedLogs(
      {
        platform: 'gitlab',
        api: `${api.url}/api/v4`,
        token: GITLAB_TOKEN,
        projectId: '4711',
        jobs: [{ id: 8001, name: 'unit' }],
      },
      { lines: 3, secrets: [HOOK_SECRET], policy },
    );
    expect(result).toEqual({
      logs: [{ job: 'unit', step: 'step_script', lines: STEP_SCRIPT_LINES.slice(-3) }],
      warnings: [],
    });
  });
});

describe('failed jobs from the APIs', () => {
  it("picks GitHub's failed and timed-out jobs, first to finish first", () => {
    const jobs = [
      githubJob({ name: 'lint' }),
      githubJob({ name: 'e2e', conclusion: 'failure', failedStep: 'Run e2e', completedAt: '2026-11-20T08:04:00Z' }),
      githubJob({ name: 'unit', conclusion: 'failure', failedStep: 'Run unit', completedAt: '2026-11-20T08:02:00Z' }),
      githubJob({ name: 'notify', status: 'in_progress' }),
      githubJob({ name: 'deploy', conclusion: 'cancelled' }),
      githubJob({ name: 'slow', conclusion: 'timed_out', completedAt: '2026-11-20T08:06:00Z' }),
    ];
    const failed = failedGitHubJobs(jobs);
    expect(failed.map((job) => job.name)).toEqual(['unit', 'e2e', 'slow']);
    expect(failed[0]!.id).toBe(String(jobs[2]!.id));
    expect(failed[0]!.steps[2]).toEqual({
      name: 'Run unit',
      number: 3,
      conclusion: 'failure',
      started_at: '2026-11-20T08:00:10Z',
      completed_at: '2026-11-20T08:02:00Z',
    });
  });

  it("picks GitLab's failed jobs (no bridges), failures that count before allowed ones", () => {
    const jobs = [
      gitlabJob({ id: 10, name: 'flaky', stage: 'test', status: 'failed', allowFailure: true }),
      gitlabJob({ id: 11, name: 'lint', stage: 'test', status: 'success' }),
      gitlabJob({ id: 12, name: 'e2e', stage: 'test', status: 'failed' }),
      gitlabJob({ id: 13, name: 'deploy', stage: 'deploy', status: 'failed', bridge: true }),
      gitlabJob({ id: 9, name: 'unit', stage: 'test', status: 'failed' }),
    ];
    expect(failedGitLabJobs(jobs)).toEqual([
      { id: 9, name: 'unit' },
      { id: 12, name: 'e2e' },
      { id: 10, name: 'flaky' },
    ]);
  });
});
