// A fixed pipeline, payload and target for target tests (no clock, no randomness).
import type { Target } from '../../src/config/load.js';
import type { Member } from '../../src/config/schema.js';
import type { PipelineContext } from '../../src/context/types.js';
import { buildMessage, messageForTarget } from '../../src/message/index.js';
import { resolveMentions } from '../../src/message/mentions.js';
import { buildPayload, type ZadigPayload } from '../../src/payload.js';
import { TARGETS } from '../../src/targets/index.js';
import type { BuildInput } from '../../src/targets/types.js';

export const NOW_MS = Date.parse('2026-11-20T08:05:00Z');
const T = (iso: string) => Date.parse(iso) / 1000;

export function fixtureContext(overrides: Partial<PipelineContext> = {}): PipelineContext {
  return {
    platform: 'github',
    instance: 'https://github.com',
    taskId: 47,
    projectName: 'shop',
    projectDisplayName: 'acme/shop',
    workflowName: 'CI',
    workflowDisplayName: 'CI',
    detailUrl: 'https://github.com/acme/shop/actions/runs/8123456789',
    remark: 'Fix checkout for "quoted" carts',
    creator: { login: 'ann', id: '1001', email: 'ann@example.com' },
    createTime: T('2026-11-20T08:00:00Z'),
    startTime: T('2026-11-20T08:00:02Z'),
    ref: 'main',
    repo: {
      source: 'github',
      owner: 'acme',
      namespace: 'acme',
      name: 'shop',
      branch: 'main',
      tag: '',
      sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
      commitUrl: 'https://github.com/acme/shop/commit/6dcb09b5b57875f334f61aebed695e2e4193db5e',
      commitMessage: 'Fix checkout for "quoted" carts\n\nCloses #12',
      authorName: 'Ann Lee',
      prs: null,
    },
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
            name: 'test (ubuntu, 22)',
            displayName: 'test (ubuntu, 22)',
            type: 'github-actions',
            status: 'failed',
            startTime: T('2026-11-20T08:02:05Z'),
            endTime: T('2026-11-20T08:04:00Z'),
            error: 'step "Run npm test" failed',
          },
          {
            name: 'test (macos, 22)',
            displayName: 'test (macos, 22)',
            type: 'github-actions',
            status: 'passed',
            startTime: T('2026-11-20T08:02:06Z'),
            endTime: T('2026-11-20T08:03:30Z'),
            error: '',
          },
        ],
      },
    ],
    status: 'failed',
    statusSource: 'jobs',
    unknownStatuses: [],
    ...overrides,
  };
}

const COMMON = new Set(['index', 'name', 'type', 'at', 'events', 'branches', 'title', 'message', 'language']);

/**
 * A target as the config would give it: common fields as they are, every other field a type's own
 * (camelCase names written as the config's kebab-case), with the type's defaults.
 */
export function fixtureTarget(overrides: Record<string, unknown> & { type: string }): Target {
  const options: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries(TARGETS[overrides.type]?.fields ?? {})) {
    if (spec.default !== undefined) options[field] = spec.default;
  }
  const common: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(overrides)) {
    if (COMMON.has(key)) common[key] = value;
    else if (value !== undefined && value !== '') options[key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)] = value;
  }
  return {
    index: 0,
    name: `${overrides.type}#0`,
    at: [],
    events: ['always'],
    branches: [],
    title: undefined,
    message: undefined,
    language: 'en',
    ...common,
    type: overrides.type,
    options,
  } as Target;
}

export const MEMBERS: Record<string, Member> = {
  ann: {
    name: 'Ann Lee',
    email: 'ann@corp.example',
    mobile: '13800000001',
    dingtalk: 'ann_dd',
    feishu: 'ou_ann',
    wecom: 'AnnLee',
    slack: 'U0ANN',
    discord: '80351110224678912',
    teams: 'ann@corp.example',
  },
  bob: { name: 'Bob', mobile: '13800000002' },
};

export function fixtureInput(
  target: Target,
  status = 'failed',
  context: PipelineContext = fixtureContext(),
  members: Record<string, Member> = MEMBERS,
): BuildInput {
  const payload: ZadigPayload = buildPayload(context, status, members);
  return {
    target,
    payload,
    message: messageForTarget(
      buildMessage(payload, { language: target.language, timeZone: 'UTC', nowSeconds: Math.floor(NOW_MS / 1000) }),
      {
        mentions: resolveMentions(target.at, TARGETS[target.type]?.mentions, members, payload.workflow.task_creator),
      },
    ),
    eventUuid: '6f0c6b8e-1d2a-4c3b-9e8f-0a1b2c3d4e5f',
    now: NOW_MS,
    instance: 'https://github.com',
    members,
  };
}
