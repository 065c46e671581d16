// Failure log excerpts (SPEC §12): the failed step's lines of a GitHub job log, the step_script
// section of a GitLab job trace; cleaned, redacted and cut to the last N lines. A log that cannot
// be read becomes a warning naming its job, never an exception: the notification goes out anyway.
import { fetchOnce, parseRetryAfter, withRetry, type Clock, type HttpResponse, type RetryPolicy } from '../http.js';
import { USER_AGENT } from '../version.js';
import { cleanLogLines, lastLines, logLineTime } from './log-clean.js';
import { field, list, num, text, type Json } from './read.js';

/** One failed job's excerpt: the `failed_logs` template variable is a list of these. */
export interface FailedLog {
  job: string;
  step: string;
  lines: string[];
}

export type LogRead = FailedLog | { warning: string };

export const MAX_LOG_LINES = 200;
export const MAX_FAILED_JOBS = 3;
/** GitHub answers with one redirect to its log storage; a few more hops are tolerated. */
const MAX_REDIRECTS = 3;

export interface GitHubStep {
  name: string;
  number: number;
  conclusion: string | null;
  started_at: string | null;
  completed_at: string | null;
}

/** A job as GitHub's jobs API describes it (only the fields read here). */
export interface GitHubJob {
  id: number | string;
  name: string;
  steps: GitHubStep[];
}

export interface GitLabJobRef {
  id: number | string;
  name: string;
}

interface ReadOptions {
  api: string;
  token: string;
  lines: number;
  policy: RetryPolicy;
  /** Values to redact besides the token used to read (every secret the program knows). */
  secrets?: readonly string[];
  clock?: Clock;
}

type LogAnswer = { ok: true; text: string; complete: boolean } | { ok: false; status: number; message: string };

/** GET a log, following redirects; the credentials go to the first address only. */
async function getLog(url: string, credentials: Record<string, string>, options: ReadOptions): Promise<LogAnswer> {
  let status = 0;
  const result = await withRetry<HttpResponse>(
    async (timeoutMs) => {
      status = 0;
      const deadline = Date.now() + timeoutMs;
      let address = url;
      let headers: Record<string, string> = { 'User-Agent': USER_AGENT, ...credentials };
      for (let hop = 0; ; hop++) {
        const sent = await fetchOnce({ method: 'GET', url: address, headers }, Math.max(1, deadline - Date.now()));
        if (!sent.ok) return sent;
        const answer = sent.value;
        const location = answer.headers.get('location');
        if (answer.status >= 300 && answer.status < 400 && location) {
          const next = URL.canParse(location, address) ? new URL(location, address) : undefined;
          if (!next || (next.protocol !== 'https:' && next.protocol !== 'http:')) {
            return { ok: false, retryable: false, message: 'the log address redirects to an unusable address' };
          }
          if (hop >= MAX_REDIRECTS) return { ok: false, retryable: false, message: 'too many redirects' };
          // The storage address is pre-signed: the API token must not travel there.
          address = next.href;
          headers = { 'User-Agent': USER_AGENT };
          continue;
        }
        if (answer.status >= 200 && answer.status < 300) return { ok: true, value: answer };
        status = answer.status;
        return {
          ok: false,
          retryable: answer.status === 408 || answer.status === 429 || answer.status >= 500,
          message: `HTTP ${answer.status}`,
          retryAfterMs: parseRetryAfter(answer.headers.get('retry-after')),
        };
      }
    },
    options.policy,
    options.clock,
  );
  if (!result.outcome.ok) return { ok: false, status, message: result.outcome.message };
  const { text: body, headers } = result.outcome.value;
  // http.ts keeps only the start of a very large answer: Content-Length tells when that happened.
  const complete = !(Number(headers.get('content-length')) > Buffer.byteLength(body));
  return { ok: true, text: body, complete };
}

function secretsOf(options: ReadOptions): string[] {
  return [options.token, ...(options.secrets ?? [])];
}

/** A warning that names the job and says what to do; never an address or the token. */
function cannotRead(job: string, message: string, hint: string, token: string): { warning: string } {
  const warning = `Cannot read the log of job "${job}" (${message}${hint ? `: ${hint}` : ''}); the notification goes out without it.`;
  return { warning: token ? warning.split(token).join('***') : warning };
}

function githubHint(status: number): string {
  if (status === 401) return 'the github-token is not valid';
  if (status === 403) return 'add "permissions: actions: read" to the workflow or job';
  if (status === 404) return 'the log is gone, or the token lacks "permissions: actions: read"';
  if (status === 410) return 'the log has expired';
  return '';
}

/**
 * The raw lines of a step, chosen by the time GitHub stamps on each line; undefined when no line
 * falls within the step's times.
 */
export function stepLines(rawLines: readonly string[], step: GitHubStep): string[] | undefined {
  const start = Date.parse(step.started_at ?? '');
  const end = Date.parse(step.completed_at ?? '');
  if (Number.isNaN(start) || Number.isNaN(end) || end < start) return undefined;
  // Step times are whole seconds: a line stamped within the step's last second still belongs to it.
  const from = Math.floor(start / 1000) * 1000;
  const to = Math.floor(end / 1000) * 1000 + 1000;
  const selected: string[] = [];
  let time: number | undefined;
  for (const line of rawLines) {
    time = logLineTime(line) ?? time;
    if (time !== undefined && time >= from && time < to) selected.push(line);
  }
  return selected.length > 0 ? selected : undefined;
}

/** The last lines of a GitHub job's failed step (the whole log's last lines when times do not fit). */
export async function readGitHubJobLog(
  options: ReadOptions & { owner: string; repo: string; job: GitHubJob },
): Promise<LogRead> {
  const { job } = options;
  const api = options.api.replace(/\/+$/, '');
  const url = `${api}/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}/actions/jobs/${encodeURIComponent(String(job.id))}/logs`;
  const answer = await getLog(
    url,
    {
      Accept: 'application/vnd.github+json',
      Authorization: `Bearer ${options.token}`,
      'X-GitHub-Api-Version': '2022-11-28',
    },
    options,
  );
  if (!answer.ok) return cannotRead(job.name, answer.message, githubHint(answer.status), options.token);
  const step = job.steps.find((s) => s.conclusion === 'failure');
  const rawLines = answer.text.replace(/^\ufeff/, '').split(/\r?\n/);
  const selected = step ? stepLines(rawLines, step) : undefined;
  if (!answer.complete && !(selected && reachesPast(rawLines, step))) {
    return cannotRead(job.name, 'the log is too large', 'only its start can be read', options.token);
  }
  const lines = cleanLogLines((selected ?? rawLines).join('\n'), { secrets: secretsOf(options) });
  return { job: job.name, step: step?.name ?? '', lines: lastLines(lines, options.lines) };
}

/** Whether a log cut short still holds the whole step (a line stamped after the step ended). */
function reachesPast(rawLines: readonly string[], step: GitHubStep | undefined): boolean {
  const end = Date.parse(step?.completed_at ?? '');
  if (Number.isNaN(end)) return false;
  const last = rawLines.findLast((line) => logLineTime(line) !== undefined);
  return last !== undefined && logLineTime(last)! >= Math.floor(end / 1000) * 1000 + 1000;
}

/** The `step_script` section of a GitLab trace (the job's own script), else the whole trace. */
export function stepScriptSection(trace: string): { text: string; ended: boolean } {
  const start = /section_start:\d+:step_script(?![\w.-])(?:\[[^\]\r\n]*\])?/.exec(trace);
  if (!start) return { text: trace, ended: false };
  const rest = trace.slice(start.index + start[0].length);
  const end = /section_end:\d+:step_script(?![\w.-])/.exec(rest);
  return end ? { text: rest.slice(0, end.index), ended: true } : { text: rest, ended: false };
}

function gitlabHint(status: number): string {
  if (status === 401) return 'the GitLab token is not valid or has expired';
  if (status === 403) return 'give the token the read_api scope (and at least Reporter access to the project)';
  if (status === 404) return 'the trace is gone, or the token cannot see this project';
  if (status === 410) return 'the trace has expired';
  return '';
}

/** The last lines of a GitLab job's `step_script` section (of the whole trace without one). */
export async function readGitLabJobTrace(
  options: ReadOptions & { projectId: string; job: GitLabJobRef },
): Promise<LogRead> {
  const { job } = options;
  const api = options.api.replace(/\/+$/, '');
  const url = `${api}/projects/${encodeURIComponent(options.projectId)}/jobs/${encodeURIComponent(String(job.id))}/trace`;
  const answer = await getLog(url, { 'PRIVATE-TOKEN': options.token }, options);
  if (!answer.ok) return cannotRead(job.name, answer.message, gitlabHint(answer.status), options.token);
  const section = stepScriptSection(answer.text);
  if (!answer.complete && !section.ended) {
    return cannotRead(job.name, 'the trace is too large', 'only its start can be read', options.token);
  }
  const lines = cleanLogLines(section.text, { secrets: secretsOf(options) });
  return { job: job.name, step: 'step_script', lines: lastLines(lines, options.lines) };
}

/** A read that fails unexpectedly is that job's warning, never the run's exception. */
function settle(job: { name: string }, token: string, reading: Promise<LogRead>): Promise<LogRead> {
  return reading.catch((error: unknown) => cannotRead(job.name, (error as Error).message, '', token));
}

/** Where the failed jobs are and how to read them. */
export type FailedLogSource =
  | { platform: 'github'; api: string; token: string; owner: string; repo: string; jobs: readonly GitHubJob[] }
  | { platform: 'gitlab'; api: string; token: string; projectId: string; jobs: readonly GitLabJobRef[] };

/**
 * The excerpts of the first three failed jobs, read concurrently, in the jobs' order. `lines` is
 * the `log-lines` input: 0 reads nothing; above 200 reads 200.
 */
export async function readFailedLogs(
  source: FailedLogSource,
  options: { lines: number; secrets: readonly string[]; policy: RetryPolicy; clock?: Clock },
): Promise<{ logs: FailedLog[]; warnings: string[] }> {
  const lines = Math.min(MAX_LOG_LINES, Math.floor(options.lines));
  if (!(lines > 0) || source.jobs.length === 0) return { logs: [], warnings: [] };
  if (!source.token) {
    const token = source.platform === 'github' ? 'a github-token' : 'a GitLab token with read_api';
    return { logs: [], warnings: [`Cannot read the failed jobs' logs without ${token}.`] };
  }
  const read = { ...options, lines, api: source.api, token: source.token };
  const reads = await Promise.all(
    source.platform === 'github'
      ? source.jobs
          .slice(0, MAX_FAILED_JOBS)
          .map((job) =>
            settle(job, read.token, readGitHubJobLog({ ...read, owner: source.owner, repo: source.repo, job })),
          )
      : source.jobs
          .slice(0, MAX_FAILED_JOBS)
          .map((job) => settle(job, read.token, readGitLabJobTrace({ ...read, projectId: source.projectId, job }))),
  );
  return {
    logs: reads.filter((r): r is FailedLog => 'lines' in r),
    warnings: reads.flatMap((r) => ('warning' in r ? [r.warning] : [])),
  };
}

/** The failed jobs of GitHub's jobs API answer, first to finish first (the likely cause). */
export function failedGitHubJobs(jobs: readonly Json[]): GitHubJob[] {
  return jobs
    .filter((job) => text(job, 'status') === 'completed' && ['failure', 'timed_out'].includes(text(job, 'conclusion')))
    .map((job) => ({ job, finished: Date.parse(text(job, 'completed_at')) || Infinity }))
    .sort((a, b) => a.finished - b.finished)
    .map(({ job }) => ({
      id: text(job, 'id'),
      name: text(job, 'name'),
      steps: list(job, 'steps').map((step) => ({
        name: text(step, 'name'),
        number: num(step, 'number'),
        conclusion: text(step, 'conclusion') || null,
        started_at: text(step, 'started_at') || null,
        completed_at: text(step, 'completed_at') || null,
      })),
    }));
}

/**
 * The failed jobs of GitLab's pipeline jobs answer (bridges have no trace), failures that count
 * before allowed ones, then by id.
 */
export function failedGitLabJobs(jobs: readonly Json[]): GitLabJobRef[] {
  return jobs
    .filter((job) => text(job, 'status') === 'failed' && field(job, 'downstream_pipeline') === undefined)
    .map((job) => ({ job, allowed: field(job, 'allow_failure') === true ? 1 : 0, id: Number(text(job, 'id')) }))
    .sort((a, b) => a.allowed - b.allowed || a.id - b.id)
    .map(({ job, id }) => ({ id, name: text(job, 'name') }));
}
