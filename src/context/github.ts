import { readFileSync } from 'node:fs';
import type { RetryPolicy } from '../http.js';
import { isZadigStatus, rollUpJobs, vendorStatus } from '../status.js';
import { firstLine, unixSeconds } from '../time.js';
import { boundedReader, type BoundedReader, type JsonAnswer } from './deadline.js';
import { field, list, num, text, type Json } from './read.js';
import type { AdapterIO, JobRecord, PipelineContext, StageRecord, StagesSource, StatusSource } from './types.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface GitHubOptions {
  /** Read the previous run too (a target wants `changed`). */
  previous?: boolean;
  token: string;
  needs: Record<string, { result?: string | undefined }> | undefined;
  policy: RetryPolicy;
  io: AdapterIO;
  readFile?: (path: string) => string;
  /** The most the whole read may take (SPEC §14: 60 s); tests shorten it. */
  readLimitMs?: number;
}

const PER_PAGE = 100;
const MAX_PAGES = 100;

/** SPEC §9.5: `deploy / rollout` → stage `deploy`, shown `rollout`; `test (ubuntu, 20)` → stage `test`. */
export function githubStage(jobName: string): { stage: string; displayName: string } {
  const slash = jobName.indexOf(' / ');
  const caller = slash >= 0 ? jobName.slice(0, slash) : jobName;
  const stage = caller.replace(/\s+\(.*\)$/, '').trim() || caller;
  return { stage, displayName: slash >= 0 ? jobName.slice(slash + 3) : jobName };
}

/** The Zadig word for a job's status, or the vendor word itself when unknown. */
function jobStatusWord(status: string, conclusion: string): string {
  return vendorStatus(status === 'completed' ? conclusion || 'completed' : status || 'queued');
}

function jobError(job: Json, status: string): string {
  if (status !== 'failed') return '';
  const step = list(job, 'steps').find((s) => text(s, 'conclusion') === 'failure');
  return step ? `step "${text(step, 'name')}" failed` : 'failed';
}

interface ApiJob {
  record: JobRecord;
  stage: string;
  order: number;
}

function toApiJob(job: Json): ApiJob {
  const name = text(job, 'name');
  const { stage, displayName } = githubStage(name);
  const status = jobStatusWord(text(job, 'status'), text(job, 'conclusion'));
  const started = unixSeconds(text(job, 'started_at'));
  return {
    stage,
    order: started || unixSeconds(text(job, 'created_at')) || Number.MAX_SAFE_INTEGER,
    record: {
      name,
      displayName,
      type: 'github-actions',
      status,
      startTime: started,
      endTime: text(job, 'status') === 'completed' ? unixSeconds(text(job, 'completed_at')) : 0,
      error: jobError(job, status),
    },
  };
}

/** Groups jobs into stages ordered by each stage's earliest start (else creation) time. */
export function groupGitHubJobs(jobs: readonly Json[]): StageRecord[] {
  const stages = new Map<string, { order: number; jobs: JobRecord[] }>();
  for (const job of jobs) {
    const apiJob = toApiJob(job);
    const stage = stages.get(apiJob.stage) ?? { order: apiJob.order, jobs: [] };
    stage.order = Math.min(stage.order, apiJob.order);
    stage.jobs.push(apiJob.record);
    stages.set(apiJob.stage, stage);
  }
  return [...stages.entries()]
    .map(([name, stage], index) => ({ name, index, ...stage }))
    .sort((a, b) => a.order - b.order || a.index - b.index)
    .map(({ name, jobs: stageJobs }) => ({ name, jobs: stageJobs }));
}

/** The job running this step: in progress on this runner (or, without RUNNER_NAME, named GITHUB_JOB). */
function isCurrentJob(job: Json, env: Env): boolean {
  if (text(job, 'status') !== 'in_progress') return false;
  if (env.RUNNER_NAME) return text(job, 'runner_name') === env.RUNNER_NAME;
  return githubStage(text(job, 'name')).stage === env.GITHUB_JOB;
}

function permissionHint(status: number, message: string): string {
  if (status === 401) return `${message}: the github-token is not valid`;
  if (status === 403 && /rate limit/i.test(message)) return `${message}: the API rate limit is used up`;
  if (status === 403 || status === 404) {
    return `${message}: add "permissions: actions: read" to the workflow or job (and pass github-token if you override it)`;
  }
  return message;
}

const NOT_READ: RunData = { run: undefined, jobs: undefined };

interface RunData {
  run: Json | undefined;
  jobs: Json[] | undefined;
  /** Why the jobs read are not all of them. */
  incomplete?: string | undefined;
}

function apiBase(env: Env): string {
  return (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
}

function apiHeaders(token: string): Record<string, string> {
  return {
    Accept: 'application/vnd.github+json',
    Authorization: `Bearer ${token}`,
    'X-GitHub-Api-Version': '2022-11-28',
  };
}

async function readRun(
  env: Env,
  repo: string,
  runId: string,
  attempt: string,
  options: GitHubOptions,
  reader: BoundedReader,
): Promise<RunData> {
  const headers = apiHeaders(options.token);
  const runUrl = `${apiBase(env)}/repos/${repo}/actions/runs/${runId}`;
  const jobsUrl = (page: number) => `${runUrl}/attempts/${attempt}/jobs?per_page=${PER_PAGE}&page=${page}`;
  const [run, first] = await Promise.all([
    reader.get(runUrl, headers, options.policy),
    reader.get(jobsUrl(1), headers, options.policy),
  ]);
  if (!first.ok) {
    options.io.warning(`Cannot read this run's jobs (${permissionHint(first.failure.status, first.failure.message)}).`);
    return { run: run.ok ? run.page.json : undefined, jobs: undefined };
  }
  const total = num(first.page.json, 'total_count');
  const pages = Math.min(MAX_PAGES, Math.ceil(total / PER_PAGE));
  const numbers = Array.from({ length: Math.max(0, pages - 1) }, (_, i) => i + 2);
  const rest = await Promise.all(numbers.map((n) => reader.get(jobsUrl(n), headers, options.policy)));
  const jobs = [...list(first.page.json, 'jobs')];
  const incomplete: string[] = [];
  if (total > MAX_PAGES * PER_PAGE) incomplete.push(`only the first ${MAX_PAGES * PER_PAGE} of ${total} jobs are read`);
  rest.forEach((page, i) => {
    if (page.ok) jobs.push(...list(page.page.json, 'jobs'));
    else incomplete.push(`page ${numbers[i]}: ${page.failure.message}`);
  });
  if (incomplete.length) {
    options.io.warning(
      `Cannot read every page of this run's jobs (${incomplete.join('; ')}); continuing with what was read.`,
    );
  }
  return { run: run.ok ? run.page.json : undefined, jobs, incomplete: incomplete.join('; ') || undefined };
}

function readEvent(env: Env, options: GitHubOptions): Json {
  const path = env.GITHUB_EVENT_PATH;
  if (!path) return {};
  try {
    return JSON.parse((options.readFile ?? ((p: string) => readFileSync(p, 'utf8')))(path)) as Json;
  } catch (error) {
    options.io.warning(
      `Cannot read the event file (${(error as Error).message.split('\n')[0]}); continuing without it.`,
    );
    return {};
  }
}

function needsStages(needs: NonNullable<GitHubOptions['needs']>): StageRecord[] {
  return Object.entries(needs).map(([name, need]) => {
    const status = vendorStatus(field(need, 'result'));
    return {
      name,
      jobs: [
        {
          name,
          displayName: name,
          type: 'github-actions',
          status,
          startTime: 0,
          endTime: 0,
          error: status === 'failed' ? 'failed' : '',
        },
      ],
    };
  });
}

function jobsOf(stages: readonly StageRecord[]): JobRecord[] {
  return stages.flatMap((stage) => stage.jobs);
}

/** `owner/repo/.github/workflows/ci.yml@refs/heads/main` → `ci.yml` (the API takes a file name as workflow id). */
export function workflowFile(workflowRef: string | undefined): string {
  const match = /\/\.github\/workflows\/([^/@]+)@/.exec(workflowRef ?? '');
  return match?.[1] ?? '';
}

/** The completed runs of a workflow on a branch, newest first (SPEC §9.13). */
async function readCompletedRuns(
  env: Env,
  repo: string,
  workflowId: string,
  branch: string,
  options: GitHubOptions,
  reader: BoundedReader,
): Promise<JsonAnswer> {
  const url = `${apiBase(env)}/repos/${repo}/actions/workflows/${encodeURIComponent(workflowId)}/runs?branch=${encodeURIComponent(branch)}&status=completed&per_page=20`;
  return reader.get(url, apiHeaders(options.token), options.policy);
}

/** The latest completed run before this one, from the answer of readCompletedRuns. */
function previousRunIn(
  answer: JsonAnswer,
  current: { id: string; branch: string; createdAt: string },
): { status?: string; unknown?: string } {
  if (!answer.ok) {
    return {
      unknown: answer.failure.status
        ? permissionHint(answer.failure.status, answer.failure.message)
        : answer.failure.message,
    };
  }
  const created = unixSeconds(current.createdAt) || Infinity;
  const previous = list(answer.page.json, 'workflow_runs').find(
    (r) => text(r, 'id') !== current.id && unixSeconds(text(r, 'created_at')) <= created,
  );
  if (!previous) return { unknown: `no earlier completed run on ${current.branch}` };
  return { status: vendorStatus(text(previous, 'conclusion')) };
}

/** Authors of the pushed commits (a push event), for email's `$committers`. */
function committersOf(event: Json): { login: string; name: string; email: string }[] {
  return list(event, 'commits').map((c) => ({
    login: text(c, 'author', 'username'),
    name: text(c, 'author', 'name'),
    email: text(c, 'author', 'email'),
  }));
}

export async function readGitHubContext(env: Env, options: GitHubOptions): Promise<PipelineContext> {
  const event = readEvent(env, options);
  const triggering = env.GITHUB_EVENT_NAME === 'workflow_run' ? field(event, 'workflow_run') : undefined;
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  const repo = (triggering ? text(triggering, 'repository', 'full_name') : '') || env.GITHUB_REPOSITORY || '';
  const [owner = '', repoName = ''] = repo.split('/');
  const runId = triggering ? text(triggering, 'id') : env.GITHUB_RUN_ID || '';
  const attempt = (triggering ? text(triggering, 'run_attempt') : env.GITHUB_RUN_ATTEMPT) || '1';

  const refType = env.GITHUB_REF_TYPE;
  const branch = triggering
    ? text(triggering, 'head_branch')
    : env.GITHUB_HEAD_REF || (refType === 'tag' ? '' : env.GITHUB_REF_NAME || '');

  // This run and the previous one are read at once when the workflow is known up front (from
  // the triggering run, or GITHUB_WORKFLOW_REF); otherwise the previous waits for this run's answer.
  const reader = boundedReader(options.readLimitMs);
  const readable = Boolean(options.token && repo && runId);
  if (!options.token) options.io.info('No github-token: stages and status come from needs or this job alone.');
  const knownWorkflow = triggering ? text(triggering, 'workflow_id') : workflowFile(env.GITHUB_WORKFLOW_REF);
  const askPrevious = Boolean(options.previous && options.token && repo);
  const [{ run, jobs, incomplete }, earlyRuns] = await Promise.all([
    readable ? readRun(env, repo, runId, attempt, options, reader) : NOT_READ,
    askPrevious && knownWorkflow ? readCompletedRuns(env, repo, knownWorkflow, branch, options, reader) : undefined,
  ]);
  const workflowId = knownWorkflow || text(run, 'workflow_id');
  let previous: { status?: string; unknown?: string } = {};
  if (options.previous && !options.token) previous = { unknown: 'no github-token' };
  else if (askPrevious && !workflowId) {
    previous = { unknown: 'this run could not be read (it needs "permissions: actions: read")' };
  } else if (askPrevious) {
    const runs = earlyRuns ?? (await readCompletedRuns(env, repo, workflowId, branch, options, reader));
    previous = previousRunIn(runs, { id: runId, branch, createdAt: text(triggering ?? run, 'created_at') });
  }

  // Stages: the API's jobs (this job left out), else needs, else this job alone.
  let stages: StageRecord[];
  let stagesSource: StagesSource;
  const apiJobs = jobs?.filter((job) => triggering !== undefined || !isCurrentJob(job, env));
  if (apiJobs) {
    stages = groupGitHubJobs(apiJobs);
    stagesSource = 'api';
  } else if (options.needs) {
    stages = needsStages(options.needs);
    stagesSource = 'needs';
  } else {
    const name = env.GITHUB_JOB || 'notify';
    stages = [
      {
        name,
        jobs: [
          { name, displayName: name, type: 'github-actions', status: 'running', startTime: 0, endTime: 0, error: '' },
        ],
      },
    ];
    stagesSource = 'current-job';
  }

  let status: string;
  let statusSource: StatusSource;
  const runConclusion =
    triggering !== undefined && text(triggering, 'status') === 'completed' ? text(triggering, 'conclusion') : '';
  const needsJobs = options.needs ? jobsOf(needsStages(options.needs)) : [];
  if (options.needs) {
    status = rollUpJobs(needsJobs);
    statusSource = 'needs';
  } else if (runConclusion) {
    status = vendorStatus(runConclusion);
    statusSource = 'run';
  } else if (apiJobs) {
    status = rollUpJobs(jobsOf(stages));
    statusSource = 'jobs';
  } else {
    status = 'created';
    statusSource = 'none';
  }

  const words = [...jobsOf(stages), ...needsJobs].map((job) => job.status);
  const unknownStatuses = [...new Set([...words, status].filter((s) => !isZadigStatus(s)))];

  const pr = field(event, 'pull_request');
  const headCommit = field(triggering ?? event, 'head_commit') ?? field(run, 'head_commit');
  const tag = !triggering && refType === 'tag' ? env.GITHUB_REF_NAME || '' : '';
  const sha = triggering ? text(triggering, 'head_sha') : text(pr, 'head', 'sha') || env.GITHUB_SHA || '';
  const prNumber = pr ? num(pr, 'number') : 0;
  const triggeringPrs = triggering
    ? list(triggering, 'pull_requests')
        .map((p) => num(p, 'number'))
        .filter(Boolean)
    : [];
  const prs = prNumber ? [prNumber] : triggeringPrs.length ? triggeringPrs : null;

  const creatorLogin = triggering
    ? text(triggering, 'triggering_actor', 'login') || text(triggering, 'actor', 'login')
    : env.GITHUB_TRIGGERING_ACTOR || env.GITHUB_ACTOR || '';
  let creatorId = '';
  if (triggering) {
    creatorId = text(triggering, 'triggering_actor', 'login')
      ? text(triggering, 'triggering_actor', 'id')
      : text(triggering, 'actor', 'id');
  } else if (creatorLogin === env.GITHUB_ACTOR) {
    creatorId = env.GITHUB_ACTOR_ID || '';
  } else if (text(event, 'sender', 'login') === creatorLogin) {
    creatorId = text(event, 'sender', 'id');
  }
  let creatorEmail = '';
  if (text(event, 'pusher', 'name') === creatorLogin) creatorEmail = text(event, 'pusher', 'email');
  else if (text(headCommit, 'author', 'username') === creatorLogin) creatorEmail = text(headCommit, 'author', 'email');

  const runNumber = triggering ? num(triggering, 'run_number') : num(env.GITHUB_RUN_NUMBER);
  const workflow = triggering ? text(triggering, 'name') : env.GITHUB_WORKFLOW || text(run, 'name');
  const detailUrl =
    repo && runId ? `${server}/${repo}/actions/runs/${runId}${Number(attempt) > 1 ? `/attempts/${attempt}` : ''}` : '';
  const remark =
    text(pr, 'title') ||
    (triggering ? text(triggering, 'display_title') : '') ||
    firstLine(text(headCommit, 'message')) ||
    text(run, 'display_title');
  const jobStarts = (jobs ?? []).map((job) => unixSeconds(text(job, 'started_at'))).filter(Boolean);
  return {
    platform: 'github',
    instance: server,
    taskId: runNumber,
    projectName: repoName,
    projectDisplayName: repo,
    workflowName: workflow,
    workflowDisplayName: workflow,
    detailUrl,
    remark,
    creator: { login: creatorLogin, id: creatorId, email: creatorEmail },
    createTime: unixSeconds(text(triggering ?? run, 'created_at')),
    startTime:
      unixSeconds(text(triggering ?? run, 'run_started_at')) || (jobStarts.length ? Math.min(...jobStarts) : 0),
    ref: branch || tag,
    repo: {
      source: 'github',
      owner,
      namespace: owner,
      name: repoName,
      branch,
      tag,
      sha,
      commitUrl: repo && sha ? `${server}/${repo}/commit/${sha}` : '',
      commitMessage: text(headCommit, 'message'),
      authorName: text(headCommit, 'author', 'name'),
      prs,
    },
    stages,
    status,
    statusSource,
    unknownStatuses,
    previousStatus: previous.status,
    previousUnknown: previous.unknown,
    origin: { runId, attempt: Number(attempt) || 1, project: repo, stages: stagesSource, incomplete },
    logSource: apiJobs
      ? {
          platform: 'github',
          api: apiBase(env),
          token: options.token,
          owner,
          repo: repoName,
          jobs: apiJobs,
        }
      : undefined,
    committers: committersOf(event),
  };
}
