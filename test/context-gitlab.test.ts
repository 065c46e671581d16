import { afterEach, describe, expect, it } from 'vitest';
import { describeContext } from '../src/context/describe.js';
import { gitlabJobStatus, readGitLabContext } from '../src/context/gitlab.js';
import { buildPayload } from '../src/payload.js';
import { gitlabEnv, PIPELINE_ID, startGitLabApi, type GitLabJobSpec } from './helpers/gitlab-api.js';
import type { Receiver } from './helpers/receiver.js';

const TOKEN = 'glpat-test-Tok3nValue';
const policy = { retries: 0, timeoutMs: 2000 };
let api: Receiver | undefined;
afterEach(async () => api?.close());

function recorder() {
  const lines: string[] = [];
  return {
    lines,
    io: { warning: (l: string) => lines.push(`warning: ${l}`), info: (l: string) => lines.push(l), debug: () => {} },
  };
}

const PIPELINE: GitLabJobSpec[] = [
  { id: 9001, name: 'workflow-notify:started', stage: '.pre', status: 'success' },
  { id: 9002, name: 'compile', stage: 'build', status: 'success' },
  { id: 9003, name: 'lint', stage: 'test', status: 'failed', allowFailure: true },
  { id: 9004, name: 'unit', stage: 'test', status: 'failed', failureReason: 'script_failure' },
  { id: 9005, name: 'e2e', stage: 'test', status: 'failed', failureReason: 'job_execution_timeout' },
  { id: 9006, name: 'trigger-deploy', stage: 'deploy', status: 'success', bridge: true },
  { id: 9007, name: 'approve', stage: 'deploy', status: 'manual', startedAt: null, finishedAt: null },
  { id: 9008, name: 'cleanup', stage: '.post', status: 'success' },
  { id: 99000, name: 'workflow-notify:failure', stage: '.post', status: 'running' },
];

describe('gitlabJobStatus', () => {
  it.each([
    [{ status: 'success' }, 'passed'],
    [{ status: 'failed' }, 'failed'],
    [{ status: 'failed', failure_reason: 'job_execution_timeout' }, 'timeout'],
    [{ status: 'canceled' }, 'cancelled'],
    [{ status: 'canceling' }, 'cancelled'],
    [{ status: 'manual', allow_failure: false }, 'wait_for_approval'],
    [{ status: 'manual', allow_failure: true }, 'skipped'],
    [{ status: 'waiting_for_resource' }, 'created'],
    [{ status: 'running' }, 'running'],
    [{ status: 'exploded' }, 'exploded'],
  ])('%j → %s', (job, status) => {
    expect(gitlabJobStatus(job)).toBe(status);
  });
});

describe('readGitLabContext', () => {
  it('reads jobs and bridges, groups them by stage in pipeline order, and leaves the notify jobs out', async () => {
    api = await startGitLabApi({ token: TOKEN, jobs: PIPELINE });
    const { io, lines } = recorder();
    const context = await readGitLabContext(gitlabEnv(api.url), { token: TOKEN, policy, io });
    expect(lines).toEqual([]);
    expect(context.stages.map((s) => [s.name, s.jobs.map((j) => `${j.name}:${j.type}:${j.status}`)])).toEqual([
      ['build', ['compile:gitlab-ci:passed']],
      ['test', ['lint:gitlab-ci:failed', 'unit:gitlab-ci:failed', 'e2e:gitlab-ci:timeout']],
      ['deploy', ['trigger-deploy:gitlab-trigger:passed', 'approve:gitlab-ci:wait_for_approval']],
      ['.post', ['cleanup:gitlab-ci:passed']],
    ]);
    const test = context.stages[1]!.jobs;
    expect(test.map((j) => [j.error, j.allowFailure])).toEqual([
      ['script_failure', true],
      ['script_failure', false],
      ['job_execution_timeout', false],
    ]);
    expect(context.status).toBe('failed');
    expect(context.statusSource).toBe('jobs');
    expect(describeContext(context)).toBe('GitLab pipeline 905512 (iid 312) of acme/shop: 7 jobs from the API');
    expect(api.requests.every((r) => r.headers['private-token'] === TOKEN)).toBe(true);
    expect(api.requests.map((r) => r.url).sort()).toEqual([
      '/api/v4/projects/4711/pipelines/905512/bridges?per_page=100&page=1',
      '/api/v4/projects/4711/pipelines/905512/jobs?per_page=100&page=1',
    ]);
  });

  it('does not fail the roll-up for an allowed failure, and reports a timeout and a manual gate', async () => {
    const allowed: GitLabJobSpec[] = [
      { id: 1, name: 'build', stage: 'build', status: 'success' },
      { id: 2, name: 'lint', stage: 'test', status: 'failed', allowFailure: true },
    ];
    api = await startGitLabApi({ token: TOKEN, jobs: allowed });
    expect((await readGitLabContext(gitlabEnv(api.url), { token: TOKEN, policy, io: recorder().io })).status).toBe(
      'passed',
    );
    await api.close();
    api = await startGitLabApi({
      token: TOKEN,
      jobs: [
        ...allowed,
        { id: 3, name: 'e2e', stage: 'test', status: 'failed', failureReason: 'job_execution_timeout' },
      ],
    });
    expect((await readGitLabContext(gitlabEnv(api.url), { token: TOKEN, policy, io: recorder().io })).status).toBe(
      'timeout',
    );
    await api.close();
    api = await startGitLabApi({
      token: TOKEN,
      jobs: [...allowed, { id: 4, name: 'approve', stage: 'deploy', status: 'manual' }],
    });
    expect((await readGitLabContext(gitlabEnv(api.url), { token: TOKEN, policy, io: recorder().io })).status).toBe(
      'wait_for_approval',
    );
  });

  it('reads a 400-job pipeline, the later pages concurrently', async () => {
    const jobs = Array.from({ length: 400 }, (_, i) => ({
      id: 20_000 + i,
      name: `shard ${i + 1}/400`,
      stage: i < 200 ? 'build' : 'test',
      status: 'success',
    }));
    api = await startGitLabApi({ token: TOKEN, jobs });
    const context = await readGitLabContext(gitlabEnv(api.url), { token: TOKEN, policy, io: recorder().io });
    expect(context.stages.map((s) => [s.name, s.jobs.length])).toEqual([
      ['build', 200],
      ['test', 200],
    ]);
    expect(context.stages[0]!.jobs[0]!.name).toBe('shard 1/400');
    const pages = api.requests
      .filter((r) => r.url.includes('/jobs'))
      .map((r) => new URL(r.url, api!.url).searchParams.get('page'));
    expect(pages.sort()).toEqual(['1', '2', '3', '4']);
  });

  it('says what a read_api token adds when there is none, and reports no stages (not the notifier itself)', async () => {
    const { io, lines } = recorder();
    const context = await readGitLabContext(gitlabEnv('http://127.0.0.1:9'), { token: '', policy, io });
    expect(lines).toEqual([
      'No GitLab token: stages and jobs are not read. A token with read_api (NOTIFY_GITLAB_TOKEN or GITLAB_TOKEN) adds every job and bridge with its stage and status, failure reasons and timeouts.',
    ]);
    expect(context.stages).toEqual([]);
    expect(context.stagesUnavailable).toBe('gitlab-token');
    expect(context.statusSource).toBe('none');
    expect(describeContext(context)).toBe('GitLab pipeline 905512 (iid 312) of acme/shop: no token, stages not read');
    expect(context).toMatchObject({
      taskId: 312,
      projectName: 'shop',
      projectDisplayName: 'Shop',
      workflowName: 'acme/shop',
      detailUrl: 'https://gitlab.example.com/acme/shop/-/pipelines/905512',
      remark: 'Fix checkout',
      creator: { login: 'ann', id: '1001', email: 'ann@example.com' },
    });
    expect(context.repo).toMatchObject({
      source: 'gitlab',
      owner: 'acme',
      branch: 'main',
      commitUrl: 'https://gitlab.example.com/acme/shop/-/commit/6dcb09b5b57875f334f61aebed695e2e4193db5e',
      authorName: 'Ann Lee',
    });
  });

  it('warns about a refused token and carries on without stages', async () => {
    api = await startGitLabApi({ token: TOKEN, jobs: PIPELINE });
    const { io, lines } = recorder();
    const context = await readGitLabContext(gitlabEnv(api.url), { token: 'glpat-wrong', policy, io });
    expect(lines).toEqual([
      `warning: Cannot read this pipeline's jobs (HTTP 401 Unauthorized: {"message":"401 Unauthorized"}): the GitLab token is not valid or has expired. Stages and jobs are not shown.`,
    ]);
    expect(context.statusSource).toBe('none');
    expect(context.stages).toEqual([]);
    expect(context.stagesUnavailable).toBe('gitlab-api');
    expect(describeContext(context)).toBe(
      'GitLab pipeline 905512 (iid 312) of acme/shop: the API could not be read, stages not read',
    );
  });

  it('shows skipped jobs as skipped, a stage of skipped jobs as skipped, and leaves them out of the roll-up', async () => {
    const jobs: GitLabJobSpec[] = [
      { id: 1, name: 'compile', stage: 'build', status: 'success' },
      { id: 2, name: 'deploy', stage: 'deploy', status: 'skipped' },
      { id: 3, name: 'smoke', stage: 'deploy', status: 'skipped' },
    ];
    api = await startGitLabApi({ token: TOKEN, jobs });
    const passed = await readGitLabContext(gitlabEnv(api.url), { token: TOKEN, policy, io: recorder().io });
    expect(passed.stages.map((s) => [s.name, s.jobs.map((j) => j.status)])).toEqual([
      ['build', ['passed']],
      ['deploy', ['skipped', 'skipped']],
    ]);
    expect(passed.status).toBe('passed');
    expect(buildPayload(passed, passed.status, {}).workflow.stages.map((s) => [s.name, s.status])).toEqual([
      ['build', 'passed'],
      ['deploy', 'skipped'],
    ]);
    await api.close();
    api = await startGitLabApi({
      token: TOKEN,
      jobs: [{ id: 1, name: 'unit', stage: 'test', status: 'failed' }, ...jobs.slice(1)],
    });
    expect((await readGitLabContext(gitlabEnv(api.url), { token: TOKEN, policy, io: recorder().io })).status).toBe(
      'failed',
    );
  });

  it('leaves out every job of the template, whatever its id, and the current job', async () => {
    api = await startGitLabApi({
      token: TOKEN,
      jobs: [
        { id: 1, name: 'workflow-notify:started', stage: '.pre', status: 'failed' },
        { id: 2, name: 'compile', stage: 'build', status: 'success' },
        { id: 3, name: 'workflow-notify:success', stage: '.post', status: 'skipped' },
        { id: 4, name: 'workflow-notify:failure', stage: '.post', status: 'running' },
        { id: 5, name: 'my-notify', stage: '.post', status: 'running' },
      ],
    });
    const context = await readGitLabContext(gitlabEnv(api.url, { CI_JOB_ID: '5', CI_JOB_NAME: 'my-notify' }), {
      token: TOKEN,
      policy,
      io: recorder().io,
    });
    expect(context.stages.map((s) => [s.name, s.jobs.map((j) => j.name)])).toEqual([['build', ['compile']]]);
    expect(context.status).toBe('passed');
  });

  it.each(['constructor', '__proto__', 'toString'])(
    'keeps a job status spelled %s as an unknown word, read as running',
    async (word) => {
      api = await startGitLabApi({
        token: TOKEN,
        jobs: [
          { id: 1, name: 'compile', stage: 'build', status: 'success' },
          { id: 2, name: 'odd', stage: 'test', status: word },
        ],
      });
      const context = await readGitLabContext(gitlabEnv(api.url), { token: TOKEN, policy, io: recorder().io });
      expect(context.stages[1]?.jobs[0]?.status).toBe(word);
      expect(context.unknownStatuses).toEqual([word]);
      expect(context.status).toBe('running');
    },
  );

  it('follows X-Next-Page one page after another when GitLab gives no totals', async () => {
    const jobs = Array.from({ length: 250 }, (_, i) => ({
      id: 30_000 + i,
      name: `j${i}`,
      stage: 'test',
      status: 'success',
    }));
    api = await startGitLabApi({ token: TOKEN, jobs, pagination: 'next-only' });
    const { io, lines } = recorder();
    const context = await readGitLabContext(gitlabEnv(api.url), { token: TOKEN, policy, io });
    expect(lines).toEqual([]);
    expect(context.stages[0]?.jobs).toHaveLength(250);
    const pages = api.requests
      .filter((r) => r.url.includes('/jobs'))
      .map((r) => new URL(r.url, api!.url).searchParams.get('page'));
    expect(pages).toEqual(['1', '2', '3']);
  });

  it('stops at a page GitLab names twice, with a warning and no job counted twice', async () => {
    const jobs = Array.from({ length: 150 }, (_, i) => ({
      id: 40_000 + i,
      name: `j${i}`,
      stage: 'test',
      status: 'success',
    }));
    api = await startGitLabApi({ token: TOKEN, jobs, pagination: 'next-loop' });
    const { io, lines } = recorder();
    const context = await readGitLabContext(gitlabEnv(api.url), { token: TOKEN, policy, io });
    expect(lines).toEqual([
      "warning: Cannot read every page of this pipeline's jobs (GitLab named page 1 as the next page again; reading stopped there); continuing with what was read.",
    ]);
    expect(context.stages[0]?.jobs.map((j) => j.name)).toEqual(jobs.map((j) => j.name));
    expect(api.requests.filter((r) => r.url.includes('/jobs'))).toHaveLength(2);
    expect(describeContext(context)).toBe(
      'GitLab pipeline 905512 (iid 312) of acme/shop: 150 jobs from the API (incomplete: GitLab named page 1 as the next page again; reading stopped there)',
    );
  });

  it('continues with what was read when a page does not come within the read limit', async () => {
    const jobs = Array.from({ length: 250 }, (_, i) => ({
      id: 50_000 + i,
      name: `j${i}`,
      stage: 'test',
      status: 'success',
    }));
    // The newest jobs come first: page 3 holds the 50 oldest.
    api = await startGitLabApi({ token: TOKEN, jobs, jobsPage: (page) => (page === 3 ? { hang: true } : undefined) });
    const { io, lines } = recorder();
    const context = await readGitLabContext(gitlabEnv(api.url), {
      token: TOKEN,
      policy: { retries: 0, timeoutMs: 10_000 },
      io,
      readLimitMs: 300,
    });
    expect(lines).toEqual([
      "warning: Cannot read every page of this pipeline's jobs (page 3: not read within the 0.3 s limit for reading the context); continuing with what was read.",
    ]);
    expect(context.stages[0]?.jobs).toHaveLength(200);
    expect(context.stages[0]?.jobs[0]?.name).toBe('j50');
  });

  it('reads the previous pipeline at the same time as the jobs', async () => {
    api = await startGitLabApi({
      token: TOKEN,
      jobs: [{ id: 1, name: 'compile', stage: 'build', status: 'success' }],
      pipelines: [
        { id: PIPELINE_ID - 1, ref: 'main', status: 'failed' },
        { id: PIPELINE_ID - 2, ref: 'main', status: 'success' },
      ],
      jobsPage: () => ({ delayMs: 200 }),
    });
    const context = await readGitLabContext(gitlabEnv(api.url), {
      token: TOKEN,
      policy,
      io: recorder().io,
      previous: true,
    });
    expect(context.previousStatus).toBe('failed');
    // Asked before the (slow) jobs were answered.
    expect(api.requests.findIndex((r) => r.url.includes('/pipelines?'))).toBeLessThan(3);
  });
});
