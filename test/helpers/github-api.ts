// A loopback stand-in for the GitHub REST API: the run and its jobs, paginated like GitHub
// (per_page up to 100, total_count, Link header), with a 403 mode for a token lacking actions: read.
import { startReceiver, type Receiver, type Reply } from './receiver.js';

export interface GitHubApiOptions {
  run: Record<string, unknown>;
  jobs: Record<string, unknown>[];
  /** Answer every request 403 as GitHub does when the token lacks `actions: read`. */
  forbidden?: boolean;
  token?: string;
  /** Runs listed by /actions/workflows/:id/runs (newest first, as GitHub lists them). */
  workflowRuns?: Record<string, unknown>[];
}

const FORBIDDEN = JSON.stringify({
  message: 'Resource not accessible by integration',
  documentation_url: 'https://docs.github.com/rest/actions/workflow-jobs#list-jobs-for-a-workflow-run-attempt',
  status: '403',
});

export async function startGitHubApi(options: GitHubApiOptions): Promise<Receiver> {
  const json = (body: unknown, headers: Record<string, string> = {}): Reply => ({
    status: 200,
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
  });
  const api: Receiver = await startReceiver((request) => {
    if (options.forbidden) return { status: 403, body: FORBIDDEN, headers: { 'Content-Type': 'application/json' } };
    if (options.token && request.headers.authorization !== `Bearer ${options.token}`) {
      return { status: 401, body: JSON.stringify({ message: 'Bad credentials', status: '401' }) };
    }
    const url = new URL(request.url, api.url);
    const runId = String(options.run.id);
    if (url.pathname === `/repos/acme/shop/actions/runs/${runId}`) return json(options.run);
    if (url.pathname === `/repos/acme/shop/actions/workflows/${String(options.run.workflow_id)}/runs`) {
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
      return json(
        { total_count: options.jobs.length, jobs: options.jobs.slice((page - 1) * perPage, page * perPage) },
        { Link: links.join(', ') },
      );
    }
    return { status: 404, body: JSON.stringify({ message: 'Not Found', status: '404' }) };
  });
  return api;
}
