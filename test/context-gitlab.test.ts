import { afterEach, describe, expect, it } from 'vitest';
import { gitlabJobStatus, readGitLabContext } from '../src/context/gitlab.js';
import { gitlabEnv, startGitLabApi, type GitLabJobSpec } from './helpers/gitlab-api.js';
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

  it('says what a read_api token adds when there is none, and reports the current job alone', async () => {
    const { io, lines } = recorder();
    const context = await readGitLabContext(gitlabEnv('http://127.0.0.1:9'), { token: '', policy, io });
    expect(lines).toEqual([
      'No GitLab token: reporting this job alone. A token with read_api (NOTIFY_GITLAB_TOKEN or GITLAB_TOKEN) adds every job and bridge with its stage and status, failure reasons and timeouts.',
    ]);
    expect(context.stages).toEqual([
      {
        name: '.post',
        jobs: [
          {
            name: 'workflow-notify:failure',
            displayName: 'workflow-notify:failure',
            type: 'gitlab-ci',
            status: 'running',
            startTime: Date.parse('2026-11-20T08:05:00Z') / 1000,
            endTime: 0,
            error: '',
          },
        ],
      },
    ]);
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

  it('warns about a refused token and carries on with the current job', async () => {
    api = await startGitLabApi({ token: TOKEN, jobs: PIPELINE });
    const { io, lines } = recorder();
    const context = await readGitLabContext(gitlabEnv(api.url), { token: 'glpat-wrong', policy, io });
    expect(lines).toEqual([
      `warning: Cannot read this pipeline's jobs (HTTP 401 Unauthorized: {"message":"401 Unauthorized"}): the GitLab token is not valid or has expired. Reporting this job alone.`,
    ]);
    expect(context.statusSource).toBe('none');
  });
});
