// Jobs in the exact shape of GitHub's "list jobs for a workflow run attempt" answer.

export interface JobSpec {
  name: string;
  status?: 'queued' | 'in_progress' | 'completed' | 'waiting';
  conclusion?: string | null;
  startedAt?: string;
  completedAt?: string | null;
  failedStep?: string;
  runnerName?: string;
}

let nextId = 29679449000;

export function githubJob(spec: JobSpec, runId = 8123456789, attempt = 1): Record<string, unknown> {
  const id = nextId++;
  const status = spec.status ?? 'completed';
  const conclusion = status === 'completed' ? (spec.conclusion ?? 'success') : null;
  const startedAt = spec.startedAt ?? '2026-11-20T08:00:10Z';
  const completedAt = status === 'completed' ? (spec.completedAt ?? '2026-11-20T08:03:00Z') : null;
  const steps = [
    {
      name: 'Set up job',
      status: 'completed',
      conclusion: 'success',
      number: 1,
      started_at: startedAt,
      completed_at: startedAt,
    },
    {
      name: 'Run actions/checkout@v4',
      status: 'completed',
      conclusion: 'success',
      number: 2,
      started_at: startedAt,
      completed_at: startedAt,
    },
  ];
  if (spec.failedStep) {
    steps.push({
      name: spec.failedStep,
      status: 'completed',
      conclusion: 'failure',
      number: 3,
      started_at: startedAt,
      completed_at: completedAt ?? startedAt,
    });
    steps.push({
      name: 'Post Run actions/checkout@v4',
      status: 'completed',
      conclusion: 'skipped',
      number: 4,
      started_at: startedAt,
      completed_at: startedAt,
    });
  }
  return {
    id,
    run_id: runId,
    workflow_name: 'CI',
    head_branch: 'main',
    run_url: `https://api.github.com/repos/acme/shop/actions/runs/${runId}`,
    run_attempt: attempt,
    node_id: `CR_kwDOABCD${id}`,
    head_sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
    url: `https://api.github.com/repos/acme/shop/actions/jobs/${id}`,
    html_url: `https://github.com/acme/shop/actions/runs/${runId}/job/${id}`,
    status,
    conclusion,
    created_at: spec.startedAt ?? '2026-11-20T08:00:05Z',
    started_at: startedAt,
    completed_at: completedAt,
    name: spec.name,
    steps,
    check_run_url: `https://api.github.com/repos/acme/shop/check-runs/${id}`,
    labels: ['ubuntu-latest'],
    runner_id: 7,
    runner_name: spec.runnerName ?? `GitHub Actions ${id % 100}`,
    runner_group_id: 2,
    runner_group_name: 'GitHub Actions',
  };
}

export function githubRun(runId = 8123456789, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: runId,
    name: 'CI',
    workflow_id: 161335,
    display_title: 'Fix checkout for "quoted" carts',
    run_number: 47,
    run_attempt: 1,
    event: 'push',
    status: 'in_progress',
    conclusion: null,
    head_branch: 'main',
    head_sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
    created_at: '2026-11-20T08:00:00Z',
    run_started_at: '2026-11-20T08:00:02Z',
    html_url: `https://github.com/acme/shop/actions/runs/${runId}`,
    head_commit: {
      id: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
      message: 'Fix checkout for "quoted" carts\n\nLong body',
      author: { name: 'Ann Lee', email: 'ann@example.com' },
    },
    ...overrides,
  };
}
