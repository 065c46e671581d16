import { readFileSync } from 'node:fs';
import type { RetryPolicy } from '../http.js';
import { rollUpStatus, toZadigStatus } from '../status.js';
import { firstLine, unixSeconds } from '../time.js';
import { field, list, num, text, type Json } from './read.js';
import { getJson } from './rest.js';
import type { AdapterIO, JobRecord, PipelineContext, StageRecord, StatusSource } from './types.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface GitHubOptions {
  /** Read the previous run too (a target wants `changed`). */
  previous?: boolean;
  token: string;
  needs: Record<string, { result?: string | undefined }> | undefined;
  policy: RetryPolicy;
  io: AdapterIO;
  readFile?: (path: string) => string;
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
  const word = status === 'completed' ? conclusion || 'completed' : status || 'queued';
  return toZadigStatus(word) ?? word;
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

interface RunData {
  run: Json | undefined;
  jobs: Json[] | undefined;
}

async function readRun(
  env: Env,
  repo: string,
  runId: string,
  attempt: string,
  options: GitHubOptions,
): Promise<RunData> {
  if (!options.token) {
    options.io.info('No github-token: stages and status come from needs or this job alone.');
    return { run: undefined, jobs: undefined };
  }
  const api = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  const headers = {
    Accept: 'application/vnd.github+json',
    Authorization: `Bearer ${options.token}`,
    'X-GitHub-Api-Version': '2022-11-28',
  };
  const runUrl = `${api}/repos/${repo}/actions/runs/${runId}`;
  const jobsUrl = (page: number) => `${runUrl}/attempts/${attempt}/jobs?per_page=${PER_PAGE}&page=${page}`;
  const [run, first] = await Promise.all([
    getJson(runUrl, headers, options.policy),
    getJson(jobsUrl(1), headers, options.policy),
  ]);
  if (!first.ok) {
    options.io.warning(`Cannot read this run's jobs (${permissionHint(first.failure.status, first.failure.message)}).`);
    return { run: run.ok ? run.page.json : undefined, jobs: undefined };
  }
  const total = num(first.page.json, 'total_count');
  const pages = Math.min(MAX_PAGES, Math.ceil(total / PER_PAGE));
  const rest = await Promise.all(
    Array.from({ length: Math.max(0, pages - 1) }, (_, i) => getJson(jobsUrl(i + 2), headers, options.policy)),
  );
  const jobs = [...list(first.page.json, 'jobs')];
  for (const page of rest) {
    if (!page.ok) {
      options.io.warning(
        `Cannot read every page of this run's jobs (${page.failure.message}); the stages are incomplete.`,
      );
      continue;
    }
    jobs.push(...list(page.page.json, 'jobs'));
  }
  return { run: run.ok ? run.page.json : undefined, jobs };
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
    const word = need.result ?? '';
    const status = toZadigStatus(word) ?? word;
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

function statuses(stages: readonly StageRecord[]): string[] {
  return stages.flatMap((stage) => stage.jobs.map((job) => job.status));
}

/** SPEC §9.13: the latest completed run before this one of the same workflow on the same branch. */
async function readPreviousRun(
  env: Env,
  repo: string,
  run: Json,
  current: { id: string; workflowId: string; branch: string; createdAt: string },
  options: GitHubOptions,
): Promise<{ status?: string; unknown?: string }> {
  if (!options.token) return { unknown: 'no github-token' };
  if (!run && !current.workflowId)
    return { unknown: 'this run could not be read (it needs "permissions: actions: read")' };
  const workflowId = current.workflowId || text(run, 'workflow_id');
  const api = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  const url = `${api}/repos/${repo}/actions/workflows/${workflowId}/runs?branch=${encodeURIComponent(current.branch)}&status=completed&per_page=20`;
  const answer = await getJson(
    url,
    {
      Accept: 'application/vnd.github+json',
      Authorization: `Bearer ${options.token}`,
      'X-GitHub-Api-Version': '2022-11-28',
    },
    options.policy,
  );
  if (!answer.ok) return { unknown: permissionHint(answer.failure.status, answer.failure.message) };
  const created = Date.parse(current.createdAt) || Infinity;
  const previous = list(answer.page.json, 'workflow_runs').find(
    (r) => text(r, 'id') !== current.id && (Date.parse(text(r, 'created_at')) || 0) <= created,
  );
  if (!previous) return { unknown: `no earlier completed run on ${current.branch}` };
  const conclusion = text(previous, 'conclusion');
  return { status: toZadigStatus(conclusion) ?? conclusion };
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

  const { run, jobs } =
    repo && runId ? await readRun(env, repo, runId, attempt, options) : { run: undefined, jobs: undefined };

  // Stages: the API's jobs (this job left out), else needs, else this job alone.
  let stages: StageRecord[];
  let status: string;
  let statusSource: StatusSource;
  const apiJobs = jobs?.filter((job) => triggering !== undefined || !isCurrentJob(job, env));
  if (apiJobs) {
    stages = groupGitHubJobs(apiJobs);
  } else if (options.needs) {
    stages = needsStages(options.needs);
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
  }

  const runConclusion =
    triggering !== undefined && text(triggering, 'status') === 'completed' ? text(triggering, 'conclusion') : '';
  if (options.needs) {
    status = rollUpStatus(statuses(needsStages(options.needs)));
    statusSource = 'needs';
  } else if (runConclusion) {
    status = toZadigStatus(runConclusion) ?? runConclusion;
    statusSource = 'run';
  } else if (apiJobs) {
    status = rollUpStatus(statuses(stages));
    statusSource = 'jobs';
  } else {
    status = 'created';
    statusSource = 'none';
  }

  const unknownStatuses = [...new Set([...statuses(stages), status].filter((s) => toZadigStatus(s) === undefined))];

  const pr = field(event, 'pull_request');
  const headCommit = field(triggering ?? event, 'head_commit') ?? field(run, 'head_commit');
  const refType = env.GITHUB_REF_TYPE;
  const branch = triggering
    ? text(triggering, 'head_branch')
    : env.GITHUB_HEAD_REF || (refType === 'tag' ? '' : env.GITHUB_REF_NAME || '');
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
  const previous = options.previous
    ? await readPreviousRun(
        env,
        repo,
        run,
        {
          id: runId,
          workflowId: triggering ? text(triggering, 'workflow_id') : '',
          branch,
          createdAt: text(triggering ?? run, 'created_at'),
        },
        options,
      )
    : {};

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
    committers: committersOf(event),
  };
}
