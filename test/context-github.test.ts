import { afterEach, describe, expect, it } from 'vitest';
import { describeContext } from '../src/context/describe.js';
import { githubStage, readGitHubContext, workflowFile } from '../src/context/github.js';
import type { Receiver } from './helpers/receiver.js';
import { startGitHubApi } from './helpers/github-api.js';
import { githubJob, githubRun } from './helpers/github-jobs.js';
import { example } from './helpers/examples.js';
import { githubEnv } from './helpers/run-dist.js';

const policy = { retries: 0, timeoutMs: 2000 };

function recorder() {
  const lines: string[] = [];
  return {
    lines,
    io: { warning: (l: string) => lines.push(`warning: ${l}`), info: (l: string) => lines.push(l), debug: () => {} },
  };
}

function realisticJobs() {
  return [
    githubJob({
      name: 'notify',
      status: 'in_progress',
      startedAt: '2026-11-20T08:05:00Z',
      runnerName: 'GitHub Actions 1000',
    }),
    githubJob({
      name: 'test (windows-latest, 22)',
      conclusion: 'failure',
      failedStep: 'Run npm test',
      startedAt: '2026-11-20T08:01:05Z',
      completedAt: '2026-11-20T08:04:00Z',
    }),
    githubJob({ name: 'lint', startedAt: '2026-11-20T08:00:10Z', completedAt: '2026-11-20T08:00:50Z' }),
    githubJob({
      name: 'test (ubuntu-latest, 20)',
      startedAt: '2026-11-20T08:01:00Z',
      completedAt: '2026-11-20T08:03:00Z',
    }),
    githubJob({
      name: 'deploy / rollout',
      conclusion: 'skipped',
      startedAt: '2026-11-20T08:04:10Z',
      completedAt: '2026-11-20T08:04:10Z',
    }),
    githubJob({ name: 'build', startedAt: '2026-11-20T08:00:30Z', completedAt: '2026-11-20T08:02:00Z' }),
  ];
}

let api: Receiver | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('githubStage', () => {
  it.each([
    ['test (ubuntu, 20)', 'test', 'test (ubuntu, 20)'],
    ['deploy / rollout', 'deploy', 'rollout'],
    ['deploy (prod) / rollout (eu)', 'deploy', 'rollout (eu)'],
    ['a / b / c', 'a', 'b / c'],
    ['build', 'build', 'build'],
  ])('%s → stage %s, shown %s', (name, stage, displayName) => {
    expect(githubStage(name)).toEqual({ stage, displayName });
  });
});

describe('readGitHubContext', () => {
  it('reads the jobs of this attempt, leaves this job out, groups and orders stages, and rolls up the status', async () => {
    api = await startGitHubApi({ run: githubRun(), jobs: realisticJobs(), token: 'ghs_test' });
    const { io, lines } = recorder();
    const event = example('push');
    const context = await readGitHubContext(githubEnv({ GITHUB_API_URL: api.url, GITHUB_EVENT_PATH: 'event.json' }), {
      token: 'ghs_test',
      needs: undefined,
      policy,
      io,
      readFile: () => JSON.stringify(event),
    });
    expect(lines).toEqual([]);
    expect(context.status).toBe('failed');
    expect(context.statusSource).toBe('jobs');
    expect(context.stages.map((s) => [s.name, s.jobs.map((j) => `${j.displayName}:${j.status}`)])).toEqual([
      ['lint', ['lint:passed']],
      ['build', ['build:passed']],
      ['test', ['test (windows-latest, 22):failed', 'test (ubuntu-latest, 20):passed']],
      ['deploy', ['rollout:skipped']],
    ]);
    const failed = context.stages[2]?.jobs[0];
    expect(failed).toEqual({
      name: 'test (windows-latest, 22)',
      displayName: 'test (windows-latest, 22)',
      type: 'github-actions',
      status: 'failed',
      startTime: Date.parse('2026-11-20T08:01:05Z') / 1000,
      endTime: Date.parse('2026-11-20T08:04:00Z') / 1000,
      error: 'step "Run npm test" failed',
    });
    expect(context.createTime).toBe(Date.parse('2026-11-20T08:00:00Z') / 1000);
    expect(context.startTime).toBe(Date.parse('2026-11-20T08:00:02Z') / 1000);
    expect(context.detailUrl).toBe('https://github.com/acme/shop/actions/runs/8123456789');
    // Push event: head commit title, pusher email (the pusher is the creator).
    expect(context.remark).toBe(String((event.head_commit as { message: string }).message).split('\n')[0]);
    expect(context.creator).toEqual({
      login: 'Codertocat',
      id: '21031067',
      email: '21031067+Codertocat@users.noreply.github.com',
    });
    expect(api.requests.map((r) => r.url)).toEqual([
      '/repos/acme/shop/actions/runs/8123456789',
      '/repos/acme/shop/actions/runs/8123456789/attempts/1/jobs?per_page=100&page=1',
    ]);
    expect(describeContext(context)).toBe('GitHub run 8123456789 attempt 1 of acme/shop: 5 jobs from the API');
    expect(api.requests[0]?.headers.authorization).toBe('Bearer ghs_test');
    expect(api.requests[0]?.headers['x-github-api-version']).toBe('2022-11-28');
  });

  it('reads every page of a run with more than 100 jobs, the later pages concurrently', async () => {
    const jobs = Array.from({ length: 250 }, (_, i) => githubJob({ name: `shard (${i})` }));
    api = await startGitHubApi({ run: githubRun(), jobs });
    const { io } = recorder();
    const context = await readGitHubContext(githubEnv({ GITHUB_API_URL: api.url }), {
      token: 't0ken',
      needs: undefined,
      policy,
      io,
    });
    expect(context.stages).toHaveLength(1);
    expect(context.stages[0]?.jobs).toHaveLength(250);
    expect(context.stages[0]?.jobs[249]?.name).toBe('shard (249)');
    const pages = api.requests.map((r) => new URL(r.url, api!.url).searchParams.get('page')).filter(Boolean);
    expect(pages.sort()).toEqual(['1', '2', '3']);
    expect(context.status).toBe('passed');
  });

  it('warns which permission to add on 403 and falls back to needs', async () => {
    api = await startGitHubApi({ run: githubRun(), jobs: realisticJobs(), forbidden: true });
    const { io, lines } = recorder();
    const context = await readGitHubContext(githubEnv({ GITHUB_API_URL: api.url }), {
      token: 't0ken',
      needs: { build: { result: 'success' }, test: { result: 'cancelled' } },
      policy,
      io,
    });
    expect(lines).toEqual([
      `warning: Cannot read this run's jobs (HTTP 403 Forbidden: {"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest/actions/workflow-jobs#list-jobs-for-a-workflow-run-attempt","status":"403"}: add "permissions: actions: read" to the workflow or job (and pass github-token if you override it)).`,
    ]);
    expect(context.statusSource).toBe('needs');
    expect(context.status).toBe('cancelled');
    expect(context.stages.map((s) => [s.name, s.jobs[0]?.status])).toEqual([
      ['build', 'passed'],
      ['test', 'cancelled'],
    ]);
  });

  it('without a token or needs, holds this job alone and cannot tell the status', async () => {
    const { io, lines } = recorder();
    const context = await readGitHubContext(githubEnv(), { token: '', needs: undefined, policy, io });
    expect(lines).toEqual(['No github-token: stages and status come from needs or this job alone.']);
    expect(context.statusSource).toBe('none');
    expect(context.status).toBe('created');
    expect(context.stages).toEqual([
      {
        name: 'notify',
        jobs: [
          {
            name: 'notify',
            displayName: 'notify',
            type: 'github-actions',
            status: 'running',
            startTime: 0,
            endTime: 0,
            error: '',
          },
        ],
      },
    ]);
  });

  it('reports the triggering run of a workflow_run event', async () => {
    const event = example('workflow_run', (e) => e.action === 'completed');
    const run = event.workflow_run as Record<string, unknown>;
    run.status = 'completed';
    run.conclusion = 'timed_out';
    run.run_attempt = 2;
    const runId = Number(run.id);
    (run.repository as Record<string, unknown>).full_name = 'acme/shop';
    api = await startGitHubApi({
      run: githubRun(runId),
      jobs: [
        githubJob({ name: 'build', conclusion: 'timed_out' }, runId, 2),
        githubJob({ name: 'notify', status: 'in_progress', runnerName: 'GitHub Actions 1000' }, runId, 2),
      ],
    });
    const { io } = recorder();
    const context = await readGitHubContext(
      githubEnv({
        GITHUB_API_URL: api.url,
        GITHUB_EVENT_NAME: 'workflow_run',
        GITHUB_EVENT_PATH: 'e.json',
        GITHUB_WORKFLOW: 'Notify',
      }),
      { token: 't0ken', needs: undefined, policy, io, readFile: () => JSON.stringify(event) },
    );
    expect(api.requests.map((r) => r.url)).toContain(
      `/repos/acme/shop/actions/runs/${runId}/attempts/2/jobs?per_page=100&page=1`,
    );
    expect(context.status).toBe('timeout');
    expect(context.statusSource).toBe('run');
    expect(context.workflowName).toBe(run.name);
    expect(context.taskId).toBe(run.run_number);
    expect(context.detailUrl).toBe(`https://github.com/acme/shop/actions/runs/${runId}/attempts/2`);
    expect(context.repo.sha).toBe(run.head_sha);
    expect(context.repo.branch).toBe(run.head_branch);
    // The other run's in-progress job is not this step's job: it stays.
    expect(context.stages.map((s) => s.name)).toEqual(['build', 'notify']);
  });

  it('uses the pull request title and head SHA for a pull_request event', async () => {
    const event = example('pull_request', (e) => e.action === 'opened');
    const pr = event.pull_request as { title: string; number: number; head: { sha: string } };
    const { io } = recorder();
    const context = await readGitHubContext(
      githubEnv({
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_HEAD_REF: 'feature/readme',
        GITHUB_REF_NAME: '2/merge',
        GITHUB_EVENT_PATH: 'e.json',
      }),
      { token: '', needs: undefined, policy, io, readFile: () => JSON.stringify(event) },
    );
    expect(context.remark).toBe(pr.title);
    expect(context.repo.prs).toEqual([pr.number]);
    expect(context.repo.sha).toBe(pr.head.sha);
    expect(context.ref).toBe('feature/readme');
  });

  it('keeps an unknown job status word, reads it as running, and lists it', async () => {
    api = await startGitHubApi({
      run: githubRun(),
      jobs: [githubJob({ name: 'a' }), githubJob({ name: 'b', conclusion: 'exploded' })],
    });
    const { io } = recorder();
    const context = await readGitHubContext(githubEnv({ GITHUB_API_URL: api.url }), {
      token: 't',
      needs: undefined,
      policy,
      io,
    });
    expect(context.stages[1]?.jobs[0]?.status).toBe('exploded');
    expect(context.status).toBe('running');
    expect(context.unknownStatuses).toEqual(['exploded']);
  });

  it('survives a malformed event file with a warning', async () => {
    const { io, lines } = recorder();
    const context = await readGitHubContext(githubEnv({ GITHUB_EVENT_PATH: 'e.json' }), {
      token: '',
      needs: undefined,
      policy,
      io,
      readFile: () => '<html>not json',
    });
    expect(lines[0]).toMatch(/^warning: Cannot read the event file \(Unexpected token/);
    expect(context.projectDisplayName).toBe('acme/shop');
  });

  it.each([
    [{ test: 'failure', deploy: 'skipped' }, 'failed', ['failed', 'skipped']],
    [{ build: 'success', deploy: 'skipped' }, 'passed', ['passed', 'skipped']],
    [{ build: 'skipped', deploy: 'skipped' }, 'skipped', ['skipped', 'skipped']],
  ])('reads needs %j as %s, skipped jobs shown skipped and left out of the roll-up', async (results, status, jobs) => {
    const needs = Object.fromEntries(Object.entries(results).map(([name, result]) => [name, { result }]));
    const context = await readGitHubContext(githubEnv(), { token: '', needs, policy, io: recorder().io });
    expect(context.status).toBe(status);
    expect(context.stages.map((s) => s.jobs[0]?.status)).toEqual(jobs);
    expect(describeContext(context)).toBe('GitHub run 8123456789 attempt 1 of acme/shop: 2 jobs from needs');
  });

  it('reads a needs result spelled constructor, __proto__ or toString as an unknown word, never a crash', async () => {
    const needs = JSON.parse(
      '{"build":{"result":"success"},"a":{"result":"constructor"},"b":{"result":"__proto__"},"c":{"result":"toString"},"d":{"result":42}}',
    ) as Record<string, { result?: string }>;
    const context = await readGitHubContext(githubEnv(), { token: '', needs, policy, io: recorder().io });
    expect(context.stages.map((s) => s.jobs[0]?.status)).toEqual([
      'passed',
      'constructor',
      '__proto__',
      'toString',
      '',
    ]);
    expect(context.status).toBe('running');
    expect(context.unknownStatuses).toEqual(['constructor', '__proto__', 'toString', '']);
  });

  it('reads a job conclusion spelled constructor from the API as an unknown word', async () => {
    api = await startGitHubApi({
      run: githubRun(),
      jobs: [githubJob({ name: 'a' }), githubJob({ name: 'b', conclusion: 'constructor' })],
    });
    const context = await readGitHubContext(githubEnv({ GITHUB_API_URL: api.url }), {
      token: 't',
      needs: undefined,
      policy,
      io: recorder().io,
    });
    expect(context.stages[1]?.jobs[0]?.status).toBe('constructor');
    expect(context.status).toBe('running');
    expect(context.unknownStatuses).toEqual(['constructor']);
  });

  it.each([
    ['acme/shop/.github/workflows/ci.yml@refs/heads/main', 'ci.yml'],
    ['acme/shop/.github/workflows/release build.yaml@refs/tags/v1.2.0', 'release build.yaml'],
    ['acme/shop/.github/workflows/ci.yml@refs/pull/7/merge', 'ci.yml'],
    ['', ''],
    [undefined, ''],
  ])('finds the workflow file of %s: %s', (ref, file) => {
    expect(workflowFile(ref)).toBe(file);
  });

  it('reads the previous run at the same time as this run when GITHUB_WORKFLOW_REF names the workflow', async () => {
    const slowMs = 400;
    const fast = await startGitHubApi({
      run: githubRun(),
      jobs: [githubJob({ name: 'build' })],
      workflowFile: 'ci.yml',
      runDelayMs: slowMs,
      workflowRuns: [
        {
          id: 8123456789,
          head_branch: 'main',
          status: 'completed',
          conclusion: null,
          created_at: '2026-11-20T08:00:00Z',
        },
        {
          id: 8123456700,
          head_branch: 'main',
          status: 'completed',
          conclusion: 'failure',
          created_at: '2026-11-20T07:00:00Z',
        },
      ],
    });
    api = fast;
    const context = await readGitHubContext(
      githubEnv({
        GITHUB_API_URL: fast.url,
        GITHUB_WORKFLOW_REF: 'acme/shop/.github/workflows/ci.yml@refs/heads/main',
      }),
      { token: 't', needs: undefined, policy, io: recorder().io, previous: true },
    );
    expect(context.previousStatus).toBe('failed');
    const asked = fast.requests.findIndex((r) => r.url.startsWith('/repos/acme/shop/actions/workflows/ci.yml/runs?'));
    expect(fast.requests[asked]?.url).toBe(
      '/repos/acme/shop/actions/workflows/ci.yml/runs?branch=main&status=completed&per_page=20',
    );
    // Asked before the run's (slow) answers came.
    expect(fast.arrivals[asked]! - fast.arrivals[0]!).toBeLessThan(slowMs);
  });

  it('without GITHUB_WORKFLOW_REF, takes the workflow from the run and asks for the previous run after it', async () => {
    api = await startGitHubApi({
      run: githubRun(),
      jobs: [githubJob({ name: 'build', conclusion: 'failure' })],
      workflowRuns: [
        {
          id: 8123456700,
          head_branch: 'main',
          status: 'completed',
          conclusion: 'success',
          created_at: '2026-11-20T07:00:00Z',
        },
      ],
    });
    const context = await readGitHubContext(githubEnv({ GITHUB_API_URL: api.url }), {
      token: 't',
      needs: undefined,
      policy,
      io: recorder().io,
      previous: true,
    });
    expect(context.previousStatus).toBe('passed');
    expect(api.requests.map((r) => r.url)[2]).toBe(
      '/repos/acme/shop/actions/workflows/161335/runs?branch=main&status=completed&per_page=20',
    );
  });

  it('continues with the pages read when a page does not come within the read limit', async () => {
    const jobs = Array.from({ length: 150 }, (_, i) => githubJob({ name: `shard (${i})` }));
    api = await startGitHubApi({
      run: githubRun(),
      jobs,
      jobsPage: (page) => (page === 2 ? { hang: true } : undefined),
    });
    const { io, lines } = recorder();
    const context = await readGitHubContext(githubEnv({ GITHUB_API_URL: api.url }), {
      token: 't',
      needs: undefined,
      policy: { retries: 0, timeoutMs: 10_000 },
      io,
      readLimitMs: 300,
    });
    expect(lines).toEqual([
      "warning: Cannot read every page of this run's jobs (page 2: not read within the 0.3 s limit for reading the context); continuing with what was read.",
    ]);
    expect(context.stages[0]?.jobs).toHaveLength(100);
    expect(context.statusSource).toBe('jobs');
    expect(describeContext(context)).toBe(
      'GitHub run 8123456789 attempt 1 of acme/shop: 100 jobs from the API (incomplete: page 2: not read within the 0.3 s limit for reading the context)',
    );
  });

  it('falls back to needs when the API does not answer within the read limit', async () => {
    api = await startGitHubApi({
      run: githubRun(),
      jobs: [githubJob({ name: 'build' })],
      jobsPage: () => ({ hang: true }),
    });
    const { io, lines } = recorder();
    const context = await readGitHubContext(githubEnv({ GITHUB_API_URL: api.url }), {
      token: 't',
      needs: { build: { result: 'failure' } },
      policy: { retries: 0, timeoutMs: 10_000 },
      io,
      readLimitMs: 300,
    });
    expect(lines).toEqual([
      "warning: Cannot read this run's jobs (not read within the 0.3 s limit for reading the context).",
    ]);
    expect([context.statusSource, context.status]).toEqual(['needs', 'failed']);
  });

  it('says when it has only this job', async () => {
    const context = await readGitHubContext(githubEnv(), { token: '', needs: undefined, policy, io: recorder().io });
    expect(describeContext(context)).toBe(
      'GitHub run 8123456789 attempt 1 of acme/shop: this job alone (no readable jobs, no needs)',
    );
  });
});
