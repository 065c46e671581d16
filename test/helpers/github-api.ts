// A loopback stand-in for the GitHub REST API: the run and its jobs, paginated like GitHub
// (per_page up to 100, total_count, Link header), with a 403 mode for a token lacking actions: read,
// and the jobs' logs: a 302 to a second server standing in for GitHub's pre-signed log storage.
import { startReceiver, type Received, type Receiver, type Reply } from './receiver.js';

export interface GitHubApiOptions {
  run: Record<string, unknown>;
  jobs: Record<string, unknown>[];
  /** Answer every request 403 as GitHub does when the token lacks `actions: read`. */
  forbidden?: boolean;
  token?: string;
  /** Runs listed by /actions/workflows/:id/runs (newest first, as GitHub lists them). */
  workflowRuns?: Record<string, unknown>[];
  /** The workflow's file name, also accepted as its id (`/actions/workflows/ci.yml/runs`). */
  workflowFile?: string;
  /** Milliseconds before the run and its jobs are answered (a slow API). */
  runDelayMs?: number;
  /** Changes to the answer of one page of jobs (1-based): a delay, or no answer at all. */
  jobsPage?: (page: number) => Partial<Reply> | undefined;
  /**
   * Job logs by job name: the log text, served by a 302 to log storage, or the reply the API gives
   * instead (`{ status: 403 }`…). A job without an entry has no log: 404, as GitHub answers.
   */
  logs?: Record<string, string | Reply>;
}

export interface GitHubApi extends Receiver {
  /** When each request arrived (performance.now()), in the order of `requests`. */
  arrivals: number[];
  /** The log storage the logs endpoint redirects to (its requests, in order). */
  storage: Receiver;
  /** Requests that reached log storage with an Authorization header: a test expects none. */
  leaks: Received[];
}

const FORBIDDEN = JSON.stringify({
  message: 'Resource not accessible by integration',
  documentation_url: 'https://docs.github.com/rest/actions/workflow-jobs#list-jobs-for-a-workflow-run-attempt',
  status: '403',
});

const LOG_ERRORS: Record<number, string> = {
  403: 'Resource not accessible by integration',
  404: 'Not Found',
  410: 'Gone',
};

/** Where GitHub keeps job logs: pre-signed addresses that refuse any Authorization header. */
async function startLogStorage(logs: Record<string, string | Reply>, leaks: Received[]): Promise<Receiver> {
  return startReceiver((request) => {
    if (request.headers.authorization !== undefined) {
      leaks.push(request);
      return { status: 400, body: '<Error><Code>InvalidAuthenticationInfo</Code></Error>' };
    }
    const url = new URL(request.url, 'http://storage');
    const name = decodeURIComponent(/^\/logs\/([^/]+)\.txt$/.exec(url.pathname)?.[1] ?? '');
    const log = logs[name];
    if (url.searchParams.get('sig') !== 'c2lnbmF0dXJl' || typeof log !== 'string') {
      return { status: 403, body: '<Error><Code>AuthenticationFailed</Code></Error>' };
    }
    return { body: log, headers: { 'Content-Length': String(Buffer.byteLength(log)) } };
  });
}

export async function startGitHubApi(options: GitHubApiOptions): Promise<GitHubApi> {
  const json = (body: unknown, headers: Record<string, string> = {}): Reply => ({
    status: 200,
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
  });
  const arrivals: number[] = [];
  const logs = options.logs ?? {};
  const leaks: Received[] = [];
  const storage = await startLogStorage(logs, leaks);
  const slow = (reply: Reply): Reply => (options.runDelayMs ? { ...reply, delayMs: options.runDelayMs } : reply);
  const api: Receiver = await startReceiver((request) => {
    arrivals.push(performance.now());
    if (options.forbidden) return { status: 403, body: FORBIDDEN, headers: { 'Content-Type': 'application/json' } };
    if (options.token && request.headers.authorization !== `Bearer ${options.token}`) {
      return { status: 401, body: JSON.stringify({ message: 'Bad credentials', status: '401' }) };
    }
    const url = new URL(request.url, api.url);
    const runId = String(options.run.id);
    if (url.pathname === `/repos/acme/shop/actions/runs/${runId}`) return slow(json(options.run));
    const workflows = [String(options.run.workflow_id), ...(options.workflowFile ? [options.workflowFile] : [])];
    if (workflows.some((id) => url.pathname === `/repos/acme/shop/actions/workflows/${id}/runs`)) {
      const branch = url.searchParams.get('branch');
      const status = url.searchParams.get('status');
      const runs = (options.workflowRuns ?? []).filter(
        (r) => (!branch || r.head_branch === branch) && (!status || r.status === status),
      );
      return json({ total_count: runs.length, workflow_runs: runs });
    }
    const jobsPath = new RegExp(`^/repos/acme/shop/actions/runs/${runId}/attempts/(\\d+)/jobs$`);
    if (jobsPath.test(url.pathname)) {
      const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
      const page = Number(url.searchParams.get('page') ?? 1);
      const last = Math.max(1, Math.ceil(options.jobs.length / perPage));
      const links = [];
      if (page < last) links.push(`<${api.url}${url.pathname}?per_page=${perPage}&page=${page + 1}>; rel="next"`);
      links.push(`<${api.url}${url.pathname}?per_page=${perPage}&page=${last}>; rel="last"`);
      const answer = json(
        { total_count: options.jobs.length, jobs: options.jobs.slice((page - 1) * perPage, page * perPage) },
        { Link: links.join(', ') },
      );
      return { ...slow(answer), ...options.jobsPage?.(page) };
    }
    const logPath = /^\/repos\/acme\/shop\/actions\/jobs\/(\d+)\/logs$/.exec(url.pathname);
    const job = options.jobs.find((j) => String(j.id) === logPath?.[1]);
    const log = job ? logs[String(job.name)] : undefined;
    if (job && typeof log === 'string') {
      const signed = `${storage.url}/logs/${encodeURIComponent(String(job.name))}.txt?sv=2021-08-06&sp=r&sig=c2lnbmF0dXJl`;
      return { status: 302, body: '', headers: { Location: signed } };
    }
    if (log !== undefined && typeof log !== 'string') {
      const status = log.status ?? 200;
      const body = JSON.stringify({ message: LOG_ERRORS[status] ?? 'Error', status: String(status) });
      return { body, headers: { 'Content-Type': 'application/json' }, ...log };
    }
    return { status: 404, body: JSON.stringify({ message: 'Not Found', status: '404' }) };
  });
  const close = async () => {
    await Promise.all([api.close(), storage.close()]);
  };
  return { ...api, arrivals, storage, leaks, close };
}
