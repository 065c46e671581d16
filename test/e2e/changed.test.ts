// `changed` (Zadig's event): against the previous finished run on the same ref, on both CIs.
import { afterEach, describe, expect, it } from 'vitest';
import { example } from '../helpers/examples.js';
import { startGitHubApi } from '../helpers/github-api.js';
import { githubJob, githubRun } from '../helpers/github-jobs.js';
import { gitlabEnv, PIPELINE_ID, startGitLabApi } from '../helpers/gitlab-api.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { githubEnv, runDist } from '../helpers/run-dist.js';

let servers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
async function track(s: Promise<Receiver>): Promise<Receiver> {
  const server = await s;
  servers.push(server);
  return server;
}

const previousRun = (id: number, conclusion: string, createdAt: string, branch = 'main') => ({
  ...githubRun(id),
  status: 'completed',
  conclusion,
  head_branch: branch,
  created_at: createdAt,
});

async function github(conclusionNow: string, previous: Record<string, unknown>[], events: string) {
  const api = await track(
    startGitHubApi({
      run: githubRun(),
      jobs: [
        githubJob({ name: 'build', conclusion: conclusionNow }),
        githubJob({ name: 'notify', status: 'in_progress', runnerName: 'GitHub Actions 1000' }),
      ],
      workflowRuns: previous,
    }),
  );
  const hook = await track(startReceiver([{ status: 200, body: 'ok' }]));
  const result = await runDist({
    env: githubEnv({
      GITHUB_API_URL: api.url,
      'INPUT_GITHUB-TOKEN': 'ghs_t0ken',
      INPUT_TARGETS: `- {type: slack, webhook: "${hook.url}/services/T/B/X", events: "${events}"}`,
    }),
    event: example('push'),
  });
  return {
    api,
    hook,
    result,
    title: hook.requests[0] ? JSON.parse(hook.requests[0].body).blocks[0].text.text : undefined,
  };
}

describe('changed on GitHub', () => {
  it('fires when a run passes after a failure, and the message says "fixed"', async () => {
    const { api, result, title } = await github(
      'success',
      [
        previousRun(8123456789, 'success', '2026-11-20T08:00:00Z'),
        previousRun(8100000000, 'failure', '2026-11-19T08:00:00Z'),
      ],
      'changed',
    );
    expect(result.code).toBe(0);
    expect(title).toBe('👍 Workflow CI #47 succeeded (fixed)');
    expect(result.outputs.events).toBe('changed');
    expect(api.requests.map((r) => r.url)).toContain(
      '/repos/acme/shop/actions/workflows/161335/runs?branch=main&status=completed&per_page=20',
    );
  });

  it('does not fire when the status is the same, and says "still failing" to a failure target', async () => {
    const same = await github('failure', [previousRun(8100000000, 'failure', '2026-11-19T08:00:00Z')], 'changed');
    expect(same.hook.requests).toHaveLength(0);
    expect(same.result.stdout).toContain('- slack "slack#0" skipped: event failed not in events changed');
    const failing = await github('failure', [previousRun(8100000000, 'timed_out', '2026-11-19T08:00:00Z')], 'failed');
    expect(failing.title).toBe('❌ Workflow CI #47 failed (still failing)');
  });

  it('says "broken" when a failure follows a success, ignoring later runs and other branches', async () => {
    const { title } = await github(
      'failure',
      [
        previousRun(8200000000, 'failure', '2026-11-21T08:00:00Z'),
        previousRun(8150000000, 'failure', '2026-11-19T09:00:00Z', 'dev'),
        previousRun(8100000000, 'success', '2026-11-19T08:00:00Z'),
      ],
      'changed',
    );
    expect(title).toBe('❌ Workflow CI #47 failed (broken)');
  });

  it('warns, and does not crash, when the previous run cannot be read', async () => {
    const hook = await track(startReceiver());
    const result = await runDist({
      env: githubEnv({
        INPUT_STATUS: 'success',
        INPUT_TARGETS: `- {type: webhook, webhook: "${hook.url}/h", events: "changed;failed"}`,
      }),
      event: example('push'),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '::warning::Cannot tell whether the status changed (no github-token): "changed" will not fire.',
    );
    expect(hook.requests).toHaveLength(0);
  });
});

describe('changed on GitLab', () => {
  it('compares with the latest finished pipeline before this one on the same ref', async () => {
    const api = await track(
      startGitLabApi({
        token: 'glpat-x1',
        jobs: [{ id: 1, name: 'unit', stage: 'test', status: 'success' }],
        pipelines: [
          { id: PIPELINE_ID + 5, ref: 'main', status: 'failed' },
          { id: PIPELINE_ID, ref: 'main', status: 'running' },
          { id: PIPELINE_ID - 3, ref: 'feature', status: 'success' },
          { id: PIPELINE_ID - 7, ref: 'main', status: 'failed' },
        ],
      }),
    );
    const hook = await track(startReceiver());
    const result = await runDist({
      env: gitlabEnv(api.url, {
        NOTIFY_GITLAB_TOKEN: 'glpat-x1',
        NOTIFY_TYPE: 'webhook',
        NOTIFY_WEBHOOK: `${hook.url}/h`,
        NOTIFY_EVENTS: 'changed',
        NOTIFY_STATUS: 'passed',
      }),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ webhook "webhook#0" delivered');
    expect(JSON.parse(hook.requests[0]!.body).workflow.status).toBe('passed');
    expect(api.requests.map((r) => r.url)).toContain(
      `/api/v4/projects/4711/pipelines?ref=main&scope=finished&order_by=id&sort=desc&per_page=20`,
    );
  });
});
