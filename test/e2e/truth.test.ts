// What the user is shown must be true (issue 10) and no status word can crash the run (issue 11),
// through dist/index.js: skipped work, the notifier's own GitLab jobs, pages that loop, payload size.
import { afterEach, describe, expect, it } from 'vitest';
import { startGitHubApi } from '../helpers/github-api.js';
import { githubJob, githubRun, type JobSpec } from '../helpers/github-jobs.js';
import { example } from '../helpers/examples.js';
import { gitlabEnv, startGitLabApi, type GitLabApiOptions } from '../helpers/gitlab-api.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { githubEnv, runDist, type RunResult } from '../helpers/run-dist.js';

const GH_TOKEN = 'ghs_truthT0kenValue123456';
const GL_TOKEN = 'glpat-truth-T0kenValue77';

const servers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function hook(): Promise<Receiver> {
  const server = await startReceiver();
  servers.push(server);
  return server;
}

async function githubApi(jobs: JobSpec[]): Promise<Receiver> {
  const server = await startGitHubApi({
    run: githubRun(),
    jobs: [
      ...jobs.map((j) => githubJob(j)),
      githubJob({ name: 'notify', status: 'in_progress', runnerName: 'GitHub Actions 1000' }),
    ],
    token: GH_TOKEN,
  });
  servers.push(server);
  return server;
}

async function gitlabApi(options: Omit<GitLabApiOptions, 'token'>): Promise<Receiver> {
  const server = await startGitLabApi({ token: GL_TOKEN, ...options });
  servers.push(server);
  return server;
}

interface Delivered {
  workflow: {
    status: string;
    stages: { name: string; status: string; jobs: { name: string; status: string; spec: unknown }[] }[];
  };
}

function delivered(receiver: Receiver): Delivered {
  expect(receiver.requests).toHaveLength(1);
  return JSON.parse(receiver.requests[0]!.body) as Delivered;
}

const stagesOf = (payload: Delivered) =>
  payload.workflow.stages.map((s) => [s.name, s.status, s.jobs.map((j) => `${j.name}:${j.status}`)]);

async function onGitHub(env: Record<string, string | undefined>, event: unknown = example('push')): Promise<RunResult> {
  return runDist({ env: githubEnv({ INPUT_TYPE: 'webhook', ...env }), event });
}

describe('skipped work, through dist', () => {
  it('shows a deploy skipped after failed tests as skipped, and the run as failed (GitHub API)', async () => {
    const github = await githubApi([
      { name: 'build', startedAt: '2026-11-20T08:00:10Z' },
      { name: 'test', conclusion: 'failure', failedStep: 'Run npm test', startedAt: '2026-11-20T08:01:00Z' },
      { name: 'deploy', conclusion: 'skipped', startedAt: '2026-11-20T08:03:10Z', completedAt: '2026-11-20T08:03:10Z' },
    ]);
    const receiver = await hook();
    const result = await onGitHub({
      GITHUB_API_URL: github.url,
      'INPUT_GITHUB-TOKEN': GH_TOKEN,
      INPUT_WEBHOOK: receiver.url,
    });
    expect(result.code).toBe(0);
    const payload = delivered(receiver);
    expect(payload.workflow.status).toBe('failed');
    expect(stagesOf(payload)).toEqual([
      ['build', 'passed', ['build:passed']],
      ['test', 'failed', ['test:failed']],
      ['deploy', 'skipped', ['deploy:skipped']],
    ]);
    expect(result.outputs.status).toBe('failed');
  });

  it('reports a passed build with a skipped deploy as passed', async () => {
    const github = await githubApi([{ name: 'build' }, { name: 'deploy', conclusion: 'skipped' }]);
    const receiver = await hook();
    await onGitHub({ GITHUB_API_URL: github.url, 'INPUT_GITHUB-TOKEN': GH_TOKEN, INPUT_WEBHOOK: receiver.url });
    const payload = delivered(receiver);
    expect(payload.workflow.status).toBe('passed');
    expect(stagesOf(payload)).toEqual([
      ['build', 'passed', ['build:passed']],
      ['deploy', 'skipped', ['deploy:skipped']],
    ]);
  });

  it('reads skipped from needs the same way', async () => {
    const receiver = await hook();
    const result = await onGitHub({
      INPUT_WEBHOOK: receiver.url,
      INPUT_NEEDS: JSON.stringify({ test: { result: 'failure' }, deploy: { result: 'skipped' } }),
    });
    expect(result.code).toBe(0);
    const payload = delivered(receiver);
    expect(payload.workflow.status).toBe('failed');
    expect(stagesOf(payload)).toEqual([
      ['test', 'failed', ['test:failed']],
      ['deploy', 'skipped', ['deploy:skipped']],
    ]);
  });

  it('shows skipped GitLab jobs as skipped and leaves them out of the roll-up', async () => {
    const gitlab = await gitlabApi({
      jobs: [
        { id: 1, name: 'compile', stage: 'build', status: 'success' },
        { id: 2, name: 'deploy', stage: 'deploy', status: 'skipped' },
        { id: 3, name: 'workflow-notify:success', stage: '.post', status: 'running' },
      ],
    });
    const receiver = await hook();
    const result = await runDist({
      env: gitlabEnv(gitlab.url, {
        CI_JOB_ID: '3',
        CI_JOB_NAME: 'workflow-notify:success',
        NOTIFY_GITLAB_TOKEN: GL_TOKEN,
        NOTIFY_TYPE: 'webhook',
        NOTIFY_WEBHOOK: receiver.url,
      }),
    });
    expect(result.code).toBe(0);
    const payload = delivered(receiver);
    expect(payload.workflow.status).toBe('passed');
    expect(stagesOf(payload)).toEqual([
      ['build', 'passed', ['compile:passed']],
      ['deploy', 'skipped', ['deploy:skipped']],
    ]);
  });
});

describe('status words that name inherited properties, through dist', () => {
  const WORDS = ['constructor', '__proto__', 'toString'];

  function expectTolerated(result: RunResult): void {
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain('unexpected failure');
    for (const word of WORDS) {
      expect(result.stdout.split(`Unknown status "${word}" from the CI: read as running.`)).toHaveLength(2);
    }
  }

  it('tolerates them in needs: warned once each, kept in the jobs, read as running', async () => {
    const receiver = await hook();
    const needs = `{"build":{"result":"success"},${WORDS.map((w) => `"${w}-job":{"result":"${w}"}`).join(',')}}`;
    const result = await onGitHub({ INPUT_WEBHOOK: receiver.url, INPUT_NEEDS: needs, INPUT_EVENTS: 'always' });
    expectTolerated(result);
    const payload = delivered(receiver);
    expect(payload.workflow.status).toBe('running');
    expect(payload.workflow.stages.map((s) => s.jobs[0]?.status)).toEqual(['passed', ...WORDS]);
  });

  it('tolerates them as job conclusions from the API', async () => {
    const github = await githubApi([{ name: 'build' }, ...WORDS.map((w) => ({ name: `${w}-job`, conclusion: w }))]);
    const receiver = await hook();
    const result = await onGitHub({
      GITHUB_API_URL: github.url,
      'INPUT_GITHUB-TOKEN': GH_TOKEN,
      INPUT_WEBHOOK: receiver.url,
      INPUT_EVENTS: 'always',
    });
    expectTolerated(result);
    const payload = delivered(receiver);
    expect(payload.workflow.status).toBe('running');
    // A stage holding only a job "read as running" has nothing finished yet: created (SPEC §4).
    expect(stagesOf(payload)).toEqual([
      ['build', 'passed', ['build:passed']],
      ...WORDS.map((w) => [`${w}-job`, 'created', [`${w}-job:${w}`]]),
    ]);
  });
});

describe("the notifier is never the pipeline's work on GitLab, through dist", () => {
  it('sends no stages without a token (not its own job) and says what a token adds', async () => {
    const receiver = await hook();
    const result = await runDist({
      env: gitlabEnv('http://127.0.0.1:9', {
        NOTIFY_STATUS: 'failed',
        NOTIFY_TYPE: 'webhook',
        NOTIFY_WEBHOOK: receiver.url,
      }),
    });
    expect(result.code).toBe(0);
    const payload = delivered(receiver);
    expect(payload.workflow.status).toBe('failed');
    expect(payload.workflow.stages).toEqual([]);
    expect(result.stdout).toContain('No GitLab token: stages and jobs are not read. A token with read_api');
    expect(result.stdout).not.toContain('workflow-notify:failure');
  });

  it('reads a page loop once, with a warning, and leaves out the template jobs', async () => {
    const jobs = Array.from({ length: 150 }, (_, i) => ({
      id: 1000 + i,
      name: `shard ${i}`,
      stage: 'test',
      status: 'success',
    }));
    const gitlab = await gitlabApi({
      pagination: 'next-loop',
      jobs: [
        { id: 900, name: 'workflow-notify:started', stage: '.pre', status: 'success' },
        ...jobs,
        { id: 99000, name: 'workflow-notify:success', stage: '.post', status: 'running' },
      ],
    });
    const receiver = await hook();
    const result = await runDist({
      env: gitlabEnv(gitlab.url, {
        CI_JOB_NAME: 'workflow-notify:success',
        NOTIFY_GITLAB_TOKEN: GL_TOKEN,
        NOTIFY_TYPE: 'webhook',
        NOTIFY_WEBHOOK: receiver.url,
      }),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "warning: Cannot read every page of this pipeline's jobs (GitLab named page 1 as the next page again; reading stopped there); continuing with what was read.",
    );
    const payload = delivered(receiver);
    expect(payload.workflow.stages.map((s) => s.name)).toEqual(['test']);
    expect(payload.workflow.stages[0]!.jobs.map((j) => j.name)).toEqual(jobs.map((j) => j.name));
    expect(payload.workflow.status).toBe('passed');
  });
});

describe('payload size, through dist', () => {
  it('carries the repository entry on the first job only and cuts a long commit message', async () => {
    const github = await githubApi([{ name: 'build' }, { name: 'test (a)' }, { name: 'test (b)' }]);
    const receiver = await hook();
    const event = example('push');
    const message = `Fix checkout\n\n${'A long explanation of the change. '.repeat(400)}`;
    (event.head_commit as { message: string }).message = message;
    await onGitHub({ GITHUB_API_URL: github.url, 'INPUT_GITHUB-TOKEN': GH_TOKEN, INPUT_WEBHOOK: receiver.url }, event);
    const payload = delivered(receiver);
    const specs = payload.workflow.stages.flatMap((s) => s.jobs.map((j) => j.spec));
    expect(specs.slice(1)).toEqual([null, null]);
    const [repository] = (specs[0] as { repositories: { commit_message: string }[] }).repositories;
    expect(Array.from(repository!.commit_message).length).toBeLessThanOrEqual(4096);
    expect(repository!.commit_message.endsWith('\n…(truncated)')).toBe(true);
    expect(message.startsWith(repository!.commit_message.slice(0, -'\n…(truncated)'.length))).toBe(true);
  });
});
