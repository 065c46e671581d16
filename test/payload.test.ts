import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PipelineContext } from '../src/context/types.js';
import { buildPayload, PAYLOAD_OUTPUT_BYTES, payloadCommit, payloadOutput, type ZadigPayload } from '../src/payload.js';
import { fixtureContext } from './helpers/fixtures.js';

const reference = JSON.parse(readFileSync(new URL('./fixtures/zadig-workflow-webhook.json', import.meta.url), 'utf8'));
delete reference._source;

/** The shape of a JSON value: its keys (in order) and the types of its leaves, recursively. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? [shape(value[0])] : [];
  if (value === null) return 'null';
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]));
  return typeof value;
}

const T = (iso: string) => Date.parse(iso) / 1000;

/** The shared fixture with two stages: a passed build, and a test stage with an allowed failure. */
function context(overrides: Partial<PipelineContext> = {}): PipelineContext {
  return fixtureContext({
    remark: 'Fix checkout',
    creator: { login: 'ann', id: '9', email: 'event@example.com' },
    startTime: 0,
    stages: [
      {
        name: 'build',
        jobs: [
          {
            name: 'build',
            displayName: 'build',
            type: 'github-actions',
            status: 'passed',
            startTime: T('2026-11-20T08:00:10Z'),
            endTime: T('2026-11-20T08:02:00Z'),
            error: '',
          },
        ],
      },
      {
        name: 'test',
        jobs: [
          {
            name: 'test (a)',
            displayName: 'test (a)',
            type: 'github-actions',
            status: 'failed',
            startTime: T('2026-11-20T08:02:10Z'),
            endTime: T('2026-11-20T08:03:00Z'),
            error: 'step "Run tests" failed',
          },
          {
            name: 'test (b)',
            displayName: 'test (b)',
            type: 'github-actions',
            status: 'failed',
            startTime: T('2026-11-20T08:02:05Z'),
            endTime: T('2026-11-20T08:04:00Z'),
            error: 'failed',
            allowFailure: true,
          },
        ],
      },
    ],
    ...overrides,
  });
}

describe('buildPayload', () => {
  it("has exactly the shape of Zadig's workflow webhook, key for key", () => {
    expect(shape(buildPayload(context(), 'passed', {}))).toEqual(shape(reference));
  });

  it('rolls stages up, keeps an allowed failure failed in its job but passed in the roll-up, and joins errors', () => {
    const { workflow } = buildPayload(context(), 'failed', {});
    expect(workflow.stages.map((s) => [s.name, s.status, s.start_time, s.end_time])).toEqual([
      ['build', 'passed', T('2026-11-20T08:00:10Z'), T('2026-11-20T08:02:00Z')],
      ['test', 'failed', T('2026-11-20T08:02:05Z'), T('2026-11-20T08:04:00Z')],
    ]);
    expect(workflow.stages[1]?.jobs.map((j) => j.status)).toEqual(['failed', 'failed']);
    expect(workflow.stages[1]?.error).toBe('test (a): step "Run tests" failed\ntest (b): failed');
    expect(workflow.error).toBe('test (a): step "Run tests" failed\ntest (b): failed');
    expect(workflow.start_time).toBe(T('2026-11-20T08:00:10Z'));
    expect(workflow.end_time).toBe(T('2026-11-20T08:04:00Z'));
    expect(payloadCommit({ object_kind: 'workflow', event: 'workflow', workflow })).toEqual({
      source: 'github',
      repo_owner: 'acme',
      repo_namespace: 'acme',
      repo_name: 'shop',
      branch: 'main',
      tag: '',
      commit_id: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
      commit_url: 'https://github.com/acme/shop/commit/6dcb09b5b57875f334f61aebed695e2e4193db5e',
      commit_message: 'Fix checkout for "quoted" carts\n\nCloses #12',
      author_name: 'Ann Lee',
      prs: null,
    });
  });

  it('treats a stage whose only failure is allowed as passed', () => {
    const ctx = context();
    ctx.stages[1]!.jobs = [ctx.stages[1]!.jobs[1]!];
    expect(buildPayload(ctx, 'passed', {}).workflow.stages[1]?.status).toBe('passed');
  });

  it('fills creator email and phone from members, members first', () => {
    const { workflow } = buildPayload(context(), 'passed', {
      ann: { email: 'ann@corp.example', mobile: '13800000000' },
    });
    expect([workflow.task_creator_email, workflow.task_creator_phone]).toEqual(['ann@corp.example', '13800000000']);
    const plain = buildPayload(context(), 'passed', {}).workflow;
    expect([plain.task_creator_email, plain.task_creator_phone]).toEqual(['event@example.com', '']);
  });

  it('gives the lone current job the reported status when no jobs could be read', () => {
    const ctx = context({ statusSource: 'none' });
    ctx.stages = [
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
    ];
    const { workflow } = buildPayload(ctx, 'passed', {});
    expect([workflow.stages[0]?.status, workflow.stages[0]?.jobs[0]?.status]).toEqual(['passed', 'passed']);
  });

  it('leaves end_time 0 while the workflow is not finished', () => {
    expect(buildPayload(context(), 'running', {}).workflow.end_time).toBe(0);
  });

  it('puts the repository entry on the first job of the first stage only (spec null elsewhere, as Zadig)', () => {
    const payload = buildPayload(context(), 'failed', {});
    const specs = payload.workflow.stages.map((s) => s.jobs.map((j) => j.spec));
    expect(specs).toEqual([[{ repositories: [payloadCommit(payload)] }], [null, null]]);
    expect(payloadCommit(payload)?.commit_id).toBe('6dcb09b5b57875f334f61aebed695e2e4193db5e');
  });

  it('has no repository entry and no stages when the stages could not be read', () => {
    const payload = buildPayload(
      context({ stages: [], stagesUnavailable: 'gitlab-token', statusSource: 'none' }),
      'failed',
      {},
    );
    expect(payload.workflow.stages).toEqual([]);
    expect(payloadCommit(payload)).toBeUndefined();
    expect([payload.workflow.start_time, payload.workflow.end_time, payload.workflow.error]).toEqual([0, 0, '']);
  });

  it('cuts a commit message at 4,096 characters with the truncation marker', () => {
    const line = '提交说明 with emoji 🚀 and words\n';
    const long = line.repeat(400);
    const repo = { ...fixtureContext().repo, commitMessage: long };
    const cut = payloadCommit(buildPayload(context({ repo }), 'passed', {}))!.commit_message;
    expect(Array.from(cut).length).toBeLessThanOrEqual(4096);
    expect(Array.from(cut).length).toBeGreaterThan(4000);
    expect(cut.endsWith('\n…(truncated)')).toBe(true);
    expect(long.startsWith(cut.slice(0, -'\n…(truncated)'.length))).toBe(true);
    const exact = 'x'.repeat(4096);
    expect(
      payloadCommit(buildPayload(context({ repo: { ...repo, commitMessage: exact } }), 'passed', {}))!.commit_message,
    ).toBe(exact);
  });

  it('shows a stage of skipped jobs as skipped and ends stages and the run at the last job that ran', () => {
    const ctx = context();
    ctx.stages[1]!.jobs = [ctx.stages[1]!.jobs[0]!];
    ctx.stages.push({
      name: 'deploy',
      jobs: [
        {
          name: 'deploy',
          displayName: 'deploy',
          type: 'github-actions',
          status: 'skipped',
          startTime: 0,
          endTime: 0,
          error: '',
        },
      ],
    });
    const { workflow } = buildPayload(ctx, 'failed', {});
    expect(workflow.stages.map((s) => [s.name, s.status, s.end_time])).toEqual([
      ['build', 'passed', T('2026-11-20T08:02:00Z')],
      ['test', 'failed', T('2026-11-20T08:03:00Z')],
      ['deploy', 'skipped', 0],
    ]);
    expect(workflow.end_time).toBe(T('2026-11-20T08:03:00Z'));
  });

  it('looks a creator up in members by own property only', () => {
    const { workflow } = buildPayload(context({ creator: { login: 'constructor', id: '', email: '' } }), 'passed', {});
    expect([workflow.task_creator_email, workflow.task_creator_phone]).toEqual(['', '']);
  });
});

describe('payloadOutput', () => {
  function bigContext(jobs: number, name = 'job'): PipelineContext {
    return context({
      stages: Array.from({ length: 10 }, (_, s) => ({
        name: `stage ${s}`,
        jobs: Array.from({ length: jobs / 10 }, (_, j) => ({
          name: `${name} ${s}.${j}`,
          displayName: `${name} ${s}.${j}`,
          type: 'github-actions',
          status: j === 0 ? 'failed' : 'passed',
          startTime: 1,
          endTime: 2,
          error: j === 0 ? 'step "Run the long test suite" failed' : '',
        })),
      })),
    });
  }

  it('is the payload itself while it is under 1,000,000 bytes', () => {
    const payload = buildPayload(bigContext(1000), 'failed', {});
    const { json, trimmed } = payloadOutput(payload);
    expect(trimmed).toBe(false);
    expect(JSON.parse(json)).toEqual(payload);
  });

  it('is the payload without its jobs when it would be larger', () => {
    const payload = buildPayload(bigContext(4000, 'x'.repeat(200)), 'failed', {});
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeGreaterThan(PAYLOAD_OUTPUT_BYTES);
    const { json, trimmed } = payloadOutput(payload);
    expect(trimmed).toBe(true);
    expect(Buffer.byteLength(json)).toBeLessThan(PAYLOAD_OUTPUT_BYTES);
    const output = JSON.parse(json) as ZadigPayload;
    expect(output.workflow.stages.map((s) => [s.name, s.status, s.jobs])).toEqual(
      payload.workflow.stages.map((s) => [s.name, s.status, []]),
    );
    expect({ ...output.workflow, stages: [] }).toEqual({ ...payload.workflow, stages: [] });
  });

  it('is the workflow alone when even its stages are too large', () => {
    const ctx = bigContext(10);
    ctx.stages = Array.from({ length: 3000 }, (_, i) => ({
      name: `stage ${i} ${'y'.repeat(400)}`,
      jobs: [
        {
          name: 'j',
          displayName: 'j',
          type: 'github-actions',
          status: 'failed',
          startTime: 0,
          endTime: 0,
          error: 'z'.repeat(100),
        },
      ],
    }));
    const { json, trimmed } = payloadOutput(buildPayload(ctx, 'failed', {}));
    expect(trimmed).toBe(true);
    expect(Buffer.byteLength(json)).toBeLessThan(PAYLOAD_OUTPUT_BYTES);
    const output = JSON.parse(json) as ZadigPayload;
    expect(output.workflow.stages).toEqual([]);
    expect(output.workflow.error.endsWith('…(truncated)')).toBe(true);
  });
});
