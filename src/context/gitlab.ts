// GitLab CI: the predefined CI_* variables, and with a read_api token the pipeline's jobs and
// bridges from the API, grouped by stage in pipeline order (SPEC §5, §9.6).
import type { RetryPolicy } from '../http.js';
import { isZadigStatus, rollUpJobs, vendorStatus } from '../status.js';
import { unixSeconds } from '../time.js';
import { boundedReader, type BoundedReader, type JsonAnswer } from './deadline.js';
import { field, list, num, text, type Json } from './read.js';
import type { AdapterIO, ContextOrigin, JobRecord, PipelineContext, StageRecord } from './types.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface GitLabOptions {
  /** Read the previous pipeline too (a target wants `changed`). */
  previous?: boolean;
  token: string;
  policy: RetryPolicy;
  io: AdapterIO;
  /** The most the whole read may take (SPEC §14: 60 s); tests shorten it. */
  readLimitMs?: number;
}

type Previous = { status?: string; unknown?: string };
const NOT_ASKED: Previous = {};

const PER_PAGE = 100;
const MAX_PAGES = 100;
/** Jobs of our own template (`workflow-notify:started|success|failure`): never what they report on. */
const OWN_JOB_PREFIX = 'workflow-notify:';

/** GitLab job words in Zadig's: a timeout is a failure reason, a blocking manual job a gate. */
export function gitlabJobStatus(job: Json): string {
  const status = text(job, 'status');
  if (status === 'failed' && text(job, 'failure_reason') === 'job_execution_timeout') return 'timeout';
  if (status === 'manual') return field(job, 'allow_failure') === true ? 'skipped' : 'wait_for_approval';
  return vendorStatus(status);
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

type ListRead = { ok: true; items: Json[]; incomplete: string[] } | Extract<JsonAnswer, { ok: false }>;

/** The next page GitLab names, or 0 when there is none. */
function nextPage(answer: Extract<JsonAnswer, { ok: true }>): number {
  const next = Number(answer.page.headers.get('x-next-page'));
  return Number.isInteger(next) && next > 0 ? next : 0;
}

/** Each item once: a page served twice must not double the jobs. */
function uniqueById(items: readonly Json[]): Json[] {
  const seen = new Set<number>();
  return items.filter((item) => {
    const id = num(item, 'id');
    if (!id) return true;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * Every page of a list: concurrently when GitLab gives the page count, else by X-Next-Page, which
 * stops at a page named twice. A later page that cannot be read is noted; the rest is kept.
 */
async function readAll(
  url: string,
  headers: Record<string, string>,
  policy: RetryPolicy,
  reader: BoundedReader,
): Promise<ListRead> {
  const page = (n: number) => `${url}${url.includes('?') ? '&' : '?'}per_page=${PER_PAGE}&page=${n}`;
  const first = await reader.get(page(1), headers, policy);
  if (!first.ok) return first;
  const items = [...list(first.page.json)];
  const incomplete: string[] = [];
  const totalPages = Number(first.page.headers.get('x-total-pages'));
  if (Number.isInteger(totalPages) && totalPages > 1) {
    if (totalPages > MAX_PAGES) incomplete.push(`only the first ${MAX_PAGES} of ${totalPages} pages are read`);
    const numbers = Array.from({ length: Math.min(totalPages, MAX_PAGES) - 1 }, (_, i) => i + 2);
    const rest = await Promise.all(numbers.map((n) => reader.get(page(n), headers, policy)));
    rest.forEach((answer, i) => {
      if (answer.ok) items.push(...list(answer.page.json));
      else incomplete.push(`page ${numbers[i]}: ${answer.failure.message}`);
    });
  } else {
    // GitLab leaves out the totals for very large lists: follow X-Next-Page instead.
    const seen = new Set([1]);
    for (let next = nextPage(first); next;) {
      if (seen.has(next)) {
        incomplete.push(`GitLab named page ${next} as the next page again; reading stopped there`);
        break;
      }
      if (seen.size >= MAX_PAGES) {
        incomplete.push(`only the first ${MAX_PAGES} pages are read`);
        break;
      }
      seen.add(next);
      const answer = await reader.get(page(next), headers, policy);
      if (!answer.ok) {
        incomplete.push(`page ${next}: ${answer.failure.message}`);
        break;
      }
      items.push(...list(answer.page.json));
      next = nextPage(answer);
    }
  }
  return { ok: true, items: uniqueById(items), incomplete };
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
      'No GitLab token: stages and jobs are not read. A token with read_api (NOTIFY_GITLAB_TOKEN or GITLAB_TOKEN) adds every job and bridge with its stage and status, failure reasons and timeouts.',
    );
    return { ...base, stagesUnavailable: 'gitlab-token' };
  }
  const server = (env.CI_SERVER_URL || '').replace(/\/+$/, '');
  const api = (env.CI_API_V4_URL || `${server}/api/v4`).replace(/\/+$/, '');
  const pipeline = `${api}/projects/${encodeURIComponent(env.CI_PROJECT_ID || '')}/pipelines/${env.CI_PIPELINE_ID || ''}`;
  const headers = { 'PRIVATE-TOKEN': options.token };
  const reader = boundedReader(options.readLimitMs);
  // The previous pipeline does not depend on this one's jobs: all three are read at once.
  const [jobs, bridges, previous] = await Promise.all([
    readAll(`${pipeline}/jobs`, headers, options.policy, reader),
    readAll(`${pipeline}/bridges`, headers, options.policy, reader),
    options.previous ? readPreviousPipeline(api, env, headers, options.policy, reader) : NOT_ASKED,
  ]);
  if (!jobs.ok) {
    options.io.warning(
      `Cannot read this pipeline's jobs (${jobs.failure.message}): ${tokenHint(jobs.failure.status)}. Stages and jobs are not shown.`,
    );
    if (options.previous) base.previousUnknown = previous.unknown ?? tokenHint(jobs.failure.status);
    return { ...base, stagesUnavailable: 'gitlab-api' };
  }
  const incomplete = [
    ...jobs.incomplete,
    ...(bridges.ok ? bridges.incomplete.map((note) => `bridges: ${note}`) : [`bridges: ${bridges.failure.message}`]),
  ].join('; ');
  if (incomplete) {
    options.io.warning(
      `Cannot read every page of this pipeline's jobs (${incomplete}); continuing with what was read.`,
    );
  }
  const currentJob = Number(env.CI_JOB_ID || 0);
  const own = (job: Json) => num(job, 'id') === currentJob || text(job, 'name').startsWith(OWN_JOB_PREFIX);
  const stages = groupGitLabJobs(
    jobs.items.filter((job) => !own(job)),
    (bridges.ok ? bridges.items : []).filter((job) => !own(job)),
  );
  const jobsOf = stages.flatMap((stage) => stage.jobs);
  const unknownStatuses = [...new Set(jobsOf.map((job) => job.status).filter((s) => !isZadigStatus(s)))];
  const starts = jobsOf.map((job) => job.startTime).filter(Boolean);
  return {
    ...base,
    startTime: base.startTime || (starts.length ? Math.min(...starts) : 0),
    stages,
    status: rollUpJobs(jobsOf),
    statusSource: 'jobs',
    unknownStatuses,
    previousStatus: previous.status,
    previousUnknown: previous.unknown,
    origin: origin(env, 'api', incomplete || undefined),
    logSource: {
      platform: 'gitlab',
      api,
      token: options.token,
      projectId: env.CI_PROJECT_ID || '',
      jobs: jobs.items.filter((job) => !own(job)),
    },
  };
}

/** SPEC §9.13: the latest finished pipeline before this one on CI_COMMIT_REF_NAME. */
async function readPreviousPipeline(
  api: string,
  env: Env,
  headers: Record<string, string>,
  policy: RetryPolicy,
  reader: BoundedReader,
): Promise<Previous> {
  const ref = env.CI_COMMIT_REF_NAME || '';
  const project = encodeURIComponent(env.CI_PROJECT_ID || '');
  const url = `${api}/projects/${project}/pipelines?ref=${encodeURIComponent(ref)}&scope=finished&order_by=id&sort=desc&per_page=20`;
  const answer = await reader.get(url, headers, policy);
  if (!answer.ok) return { unknown: answer.failure.status ? tokenHint(answer.failure.status) : answer.failure.message };
  const current = Number(env.CI_PIPELINE_ID || 0);
  const previous = list(answer.page.json).find((p) => num(p, 'id') < current);
  if (!previous) return { unknown: `no earlier finished pipeline on ${ref}` };
  return { status: vendorStatus(text(previous, 'status')) };
}

function origin(env: Env, stages: ContextOrigin['stages'], incomplete?: string): ContextOrigin {
  return { runId: env.CI_PIPELINE_ID || '', attempt: 0, project: env.CI_PROJECT_PATH || '', stages, incomplete };
}

/** GitLab from its predefined variables alone: no stages (the current job is the notifier's own, SPEC §9.6). */
export function readGitLabEnvContext(env: Env): PipelineContext {
  const server = (env.CI_SERVER_URL || '').replace(/\/+$/, '');
  const path = env.CI_PROJECT_PATH || '';
  const namespace = env.CI_PROJECT_NAMESPACE || path.split('/').slice(0, -1).join('/');
  const sha = env.CI_COMMIT_SHA || '';
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
    stages: [],
    // The template passes the status as NOTIFY_STATUS (the `status` input); nothing else tells it.
    status: 'created',
    statusSource: 'none',
    unknownStatuses: [],
    origin: origin(env, 'none'),
  };
}
