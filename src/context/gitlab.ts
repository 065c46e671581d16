// GitLab CI: the predefined CI_* variables, and with a read_api token the pipeline's jobs and
// bridges from the API, grouped by stage in pipeline order (SPEC §5, §9.6).
import type { RetryPolicy } from '../http.js';
import { rollUpStatus, toZadigStatus } from '../status.js';
import { unixSeconds } from '../time.js';
import { field, list, num, text, type Json } from './read.js';
import { getJson } from './rest.js';
import type { AdapterIO, JobRecord, PipelineContext, StageRecord } from './types.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface GitLabOptions {
  /** Read the previous pipeline too (a target wants `changed`). */
  previous?: boolean;
  token: string;
  policy: RetryPolicy;
  io: AdapterIO;
}

const PER_PAGE = 100;
const MAX_PAGES = 100;
/** Jobs of our own template: never part of what they report on. */
const NOTIFY_JOB = /^workflow-notify(:|$)/;

/** GitLab job words in Zadig's: a timeout is a failure reason, a blocking manual job a gate. */
export function gitlabJobStatus(job: Json): string {
  const status = text(job, 'status');
  if (status === 'failed' && text(job, 'failure_reason') === 'job_execution_timeout') return 'timeout';
  if (status === 'manual') return field(job, 'allow_failure') === true ? 'skipped' : 'wait_for_approval';
  return toZadigStatus(status) ?? status;
}

function toRecord(job: Json, bridge: boolean): JobRecord & { id: number; stage: string } {
  const status = gitlabJobStatus(job);
  const reason = text(job, 'failure_reason');
  const failed = status === 'failed' || status === 'timeout';
  return {
    id: num(job, 'id'),
    stage: text(job, 'stage') || 'test',
    name: text(job, 'name'),
    displayName: text(job, 'name'),
    type: bridge ? 'gitlab-trigger' : 'gitlab-ci',
    status,
    startTime: unixSeconds(text(job, 'started_at')),
    endTime: unixSeconds(text(job, 'finished_at')),
    error: failed ? reason || 'failed' : '',
    allowFailure: failed && field(job, 'allow_failure') === true,
  };
}

/** Stages in pipeline order: by their smallest job id, `.pre` first and `.post` last. */
export function groupGitLabJobs(jobs: readonly Json[], bridges: readonly Json[]): StageRecord[] {
  const records = [...jobs.map((j) => toRecord(j, false)), ...bridges.map((b) => toRecord(b, true))].sort(
    (a, b) => a.id - b.id,
  );
  const stages = new Map<string, { first: number; jobs: JobRecord[] }>();
  for (const { id, stage, ...record } of records) {
    const entry = stages.get(stage) ?? { first: id, jobs: [] };
    entry.first = Math.min(entry.first, id);
    entry.jobs.push(record);
    stages.set(stage, entry);
  }
  const rank = (name: string) => (name === '.pre' ? -1 : name === '.post' ? 1 : 0);
  return [...stages.entries()]
    .sort(([a, x], [b, y]) => rank(a) - rank(b) || x.first - y.first)
    .map(([name, entry]) => ({ name, jobs: entry.jobs }));
}

async function readAll(url: string, headers: Record<string, string>, options: GitLabOptions) {
  const page = (n: number) => `${url}${url.includes('?') ? '&' : '?'}per_page=${PER_PAGE}&page=${n}`;
  const first = await getJson(page(1), headers, options.policy);
  if (!first.ok) return first;
  const items = [...list(first.page.json)];
  const totalPages = Number(first.page.headers.get('x-total-pages'));
  if (Number.isFinite(totalPages) && totalPages > 1) {
    const rest = await Promise.all(
      Array.from({ length: Math.min(totalPages, MAX_PAGES) - 1 }, (_, i) =>
        getJson(page(i + 2), headers, options.policy),
      ),
    );
    for (const answer of rest) {
      if (!answer.ok) return answer;
      items.push(...list(answer.page.json));
    }
  } else {
    // GitLab leaves out the totals for very large lists: follow X-Next-Page instead.
    let next = Number(first.page.headers.get('x-next-page'));
    for (let n = 1; next && n < MAX_PAGES; n++) {
      const answer = await getJson(page(next), headers, options.policy);
      if (!answer.ok) return answer;
      items.push(...list(answer.page.json));
      next = Number(answer.page.headers.get('x-next-page'));
    }
  }
  return { ok: true as const, items };
}

function tokenHint(status: number): string {
  if (status === 401) return 'the GitLab token is not valid or has expired';
  if (status === 403) return 'give the token the read_api scope (and at least Reporter access to the project)';
  if (status === 404) return 'the token cannot see this project; give it read_api on it';
  return 'the API could not be read';
}

export async function readGitLabContext(env: Env, options: GitLabOptions): Promise<PipelineContext> {
  const base = readGitLabEnvContext(env);
  const committer = {
    login: '',
    name: base.repo.authorName,
    email: /<([^>]+)>$/.exec(env.CI_COMMIT_AUTHOR || '')?.[1] ?? '',
  };
  base.committers = committer.email ? [committer] : [];
  if (!options.token) {
    if (options.previous) base.previousUnknown = 'no GitLab token (read_api)';
    options.io.info(
      'No GitLab token: reporting this job alone. A token with read_api (NOTIFY_GITLAB_TOKEN or GITLAB_TOKEN) adds every job and bridge with its stage and status, failure reasons and timeouts.',
    );
    return base;
  }
  const server = (env.CI_SERVER_URL || '').replace(/\/+$/, '');
  const api = (env.CI_API_V4_URL || `${server}/api/v4`).replace(/\/+$/, '');
  const pipeline = `${api}/projects/${encodeURIComponent(env.CI_PROJECT_ID || '')}/pipelines/${env.CI_PIPELINE_ID || ''}`;
  const headers = { 'PRIVATE-TOKEN': options.token };
  const [jobs, bridges] = await Promise.all([
    readAll(`${pipeline}/jobs`, headers, options),
    readAll(`${pipeline}/bridges`, headers, options),
  ]);
  if (!jobs.ok || !bridges.ok) {
    const failure = !jobs.ok ? jobs.failure : !bridges.ok ? bridges.failure : { status: 0, message: '' };
    options.io.warning(
      `Cannot read this pipeline's jobs (${failure.message}): ${tokenHint(failure.status)}. Reporting this job alone.`,
    );
    if (options.previous) base.previousUnknown = tokenHint(failure.status);
    return base;
  }
  const previous = options.previous ? await readPreviousPipeline(api, env, headers, options) : {};
  const currentJob = Number(env.CI_JOB_ID || 0);
  const own = (job: Json) => num(job, 'id') === currentJob || NOTIFY_JOB.test(text(job, 'name'));
  const stages = groupGitLabJobs(
    jobs.items.filter((job) => !own(job)),
    bridges.items.filter((job) => !own(job)),
  );
  const jobsOf = stages.flatMap((stage) => stage.jobs);
  const status = rollUpStatus(jobsOf.map((job) => (job.allowFailure ? 'passed' : job.status)));
  const unknownStatuses = [...new Set(jobsOf.map((job) => job.status).filter((s) => toZadigStatus(s) === undefined))];
  const starts = jobsOf.map((job) => job.startTime).filter(Boolean);
  return {
    ...base,
    startTime: base.startTime || (starts.length ? Math.min(...starts) : 0),
    stages,
    status,
    statusSource: 'jobs',
    unknownStatuses,
    previousStatus: previous.status,
    previousUnknown: previous.unknown,
  };
}

/** SPEC §9.13: the latest finished pipeline before this one on CI_COMMIT_REF_NAME. */
async function readPreviousPipeline(
  api: string,
  env: Env,
  headers: Record<string, string>,
  options: GitLabOptions,
): Promise<{ status?: string; unknown?: string }> {
  const ref = env.CI_COMMIT_REF_NAME || '';
  const project = encodeURIComponent(env.CI_PROJECT_ID || '');
  const url = `${api}/projects/${project}/pipelines?ref=${encodeURIComponent(ref)}&scope=finished&order_by=id&sort=desc&per_page=20`;
  const answer = await getJson(url, headers, options.policy);
  if (!answer.ok) return { unknown: tokenHint(answer.failure.status) };
  const current = Number(env.CI_PIPELINE_ID || 0);
  const previous = list(answer.page.json).find((p) => num(p, 'id') < current);
  if (!previous) return { unknown: `no earlier finished pipeline on ${ref}` };
  const status = text(previous, 'status');
  return { status: toZadigStatus(status) ?? status };
}

/** GitLab from its predefined variables alone: one stage holding the current job (SPEC §9.6). */
export function readGitLabEnvContext(env: Env): PipelineContext {
  const server = (env.CI_SERVER_URL || '').replace(/\/+$/, '');
  const path = env.CI_PROJECT_PATH || '';
  const namespace = env.CI_PROJECT_NAMESPACE || path.split('/').slice(0, -1).join('/');
  const sha = env.CI_COMMIT_SHA || '';
  const stage = env.CI_JOB_STAGE || 'notify';
  const jobName = env.CI_JOB_NAME || 'notify';
  const mrIid = Number(env.CI_MERGE_REQUEST_IID || 0);
  return {
    platform: 'gitlab',
    instance: server,
    taskId: Number(env.CI_PIPELINE_IID || 0) || 0,
    projectName: env.CI_PROJECT_NAME || '',
    projectDisplayName: env.CI_PROJECT_TITLE || env.CI_PROJECT_NAME || '',
    workflowName: env.CI_PIPELINE_NAME || path,
    workflowDisplayName: env.CI_PIPELINE_NAME || path,
    detailUrl: env.CI_PIPELINE_URL || '',
    remark: env.CI_MERGE_REQUEST_TITLE || env.CI_COMMIT_TITLE || '',
    creator: { login: env.GITLAB_USER_LOGIN || '', id: env.GITLAB_USER_ID || '', email: env.GITLAB_USER_EMAIL || '' },
    createTime: unixSeconds(env.CI_PIPELINE_CREATED_AT),
    startTime: unixSeconds(env.CI_PIPELINE_CREATED_AT),
    ref: env.CI_COMMIT_REF_NAME || '',
    repo: {
      source: 'gitlab',
      owner: namespace,
      namespace,
      name: env.CI_PROJECT_NAME || '',
      branch: env.CI_COMMIT_BRANCH || env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME || '',
      tag: env.CI_COMMIT_TAG || '',
      sha,
      commitUrl: env.CI_PROJECT_URL && sha ? `${env.CI_PROJECT_URL}/-/commit/${sha}` : '',
      commitMessage: env.CI_COMMIT_MESSAGE || '',
      authorName: (env.CI_COMMIT_AUTHOR || '').replace(/\s*<[^>]*>$/, ''),
      prs: mrIid ? [mrIid] : null,
    },
    stages: [
      {
        name: stage,
        jobs: [
          {
            name: jobName,
            displayName: jobName,
            type: 'gitlab-ci',
            status: 'running',
            startTime: unixSeconds(env.CI_JOB_STARTED_AT),
            endTime: 0,
            error: '',
          },
        ],
      },
    ],
    // The template passes the status as NOTIFY_STATUS (the `status` input); nothing else tells it.
    status: 'created',
    statusSource: 'none',
    unknownStatuses: [],
  };
}
