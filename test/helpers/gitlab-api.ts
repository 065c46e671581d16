// A loopback stand-in for the GitLab REST API v4: a pipeline's jobs and bridges in GitLab's
// shapes, newest first, paginated with GitLab's headers; 401 without the right PRIVATE-TOKEN; and
// the jobs' traces (GET /projects/:id/jobs/:job_id/trace, plain text with section markers).
import { startReceiver, type Receiver, type Reply } from './receiver.js';

export interface GitLabJobSpec {
  id: number;
  name: string;
  stage: string;
  status: string;
  failureReason?: string;
  allowFailure?: boolean;
  bridge?: boolean;
  startedAt?: string | null;
  finishedAt?: string | null;
}

export const PROJECT_ID = 4711;
export const PIPELINE_ID = 905512;

export function gitlabJob(spec: GitLabJobSpec): Record<string, unknown> {
  const started = spec.startedAt === undefined ? '2026-11-20T08:00:10.000Z' : spec.startedAt;
  const finished =
    spec.finishedAt === undefined
      ? ['success', 'failed', 'canceled', 'skipped'].includes(spec.status)
        ? '2026-11-20T08:02:00.000Z'
        : null
      : spec.finishedAt;
  const job: Record<string, unknown> = {
    id: spec.id,
    status: spec.status,
    stage: spec.stage,
    name: spec.name,
    ref: 'main',
    tag: false,
    coverage: null,
    allow_failure: spec.allowFailure ?? false,
    created_at: '2026-11-20T08:00:00.000Z',
    started_at: started,
    finished_at: finished,
    erased_at: null,
    duration: started && finished ? 110.5 : null,
    queued_duration: 0.4,
    user: { id: 1001, username: 'ann', name: 'Ann Lee', state: 'active', web_url: 'https://gitlab.example.com/ann' },
    commit: {
      id: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
      short_id: '6dcb09b5',
      title: 'Fix checkout',
      author_name: 'Ann Lee',
    },
    pipeline: {
      id: PIPELINE_ID,
      iid: 312,
      project_id: PROJECT_ID,
      sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
      ref: 'main',
      status: 'running',
      source: 'push',
      web_url: `https://gitlab.example.com/acme/shop/-/pipelines/${PIPELINE_ID}`,
    },
    web_url: `https://gitlab.example.com/acme/shop/-/jobs/${spec.id}`,
    project: { ci_job_token_scope_enabled: false },
    tag_list: [],
  };
  if (spec.status === 'failed') job.failure_reason = spec.failureReason ?? 'script_failure';
  if (spec.bridge) {
    job.downstream_pipeline = {
      id: PIPELINE_ID + 1,
      sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
      ref: 'main',
      status: spec.status,
      web_url: 'https://gitlab.example.com/acme/deploy/-/pipelines/905513',
    };
  } else {
    job.artifacts = [];
    job.runner = { id: 12, description: 'shared-runner', active: true, is_shared: true };
  }
  return job;
}

export interface GitLabApiOptions {
  token: string;
  jobs: GitLabJobSpec[];
  /** Pipelines listed by /projects/:id/pipelines: { id, ref, status }. */
  pipelines?: { id: number; ref: string; status: string }[];
  /**
   * `totals` (default): X-Total and X-Total-Pages, as GitLab gives for lists it can count;
   * `next-only`: X-Next-Page alone, as GitLab does for very large lists; `next-loop`: X-Next-Page
   * alone, and the last page of jobs names page 1 again (a broken proxy or server).
   */
  pagination?: 'totals' | 'next-only' | 'next-loop';
  /** Changes to the answer of one page of jobs (1-based): a delay, or no answer at all. */
  jobsPage?: (page: number) => Partial<Reply> | undefined;
  /**
   * Job traces by job name: the trace text, or the reply given instead (`{ status: 403 }`…). A job
   * without an entry has no trace: 404, as GitLab answers.
   */
  traces?: Record<string, string | Reply>;
}

export async function startGitLabApi(options: GitLabApiOptions): Promise<Receiver> {
  const json = (body: unknown, headers: Record<string, string> = {}): Reply => ({
    status: 200,
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', ...headers },
  });
  const api: Receiver = await startReceiver((request) => {
    if (request.headers['private-token'] !== options.token) {
      return {
        status: 401,
        body: JSON.stringify({ message: '401 Unauthorized' }),
        headers: { 'Content-Type': 'application/json' },
      };
    }
    const url = new URL(request.url, api.url);
    const tracePath = new RegExp(`^/api/v4/projects/${PROJECT_ID}/jobs/(\\d+)/trace$`).exec(url.pathname);
    if (tracePath) {
      const job = options.jobs.find((j) => String(j.id) === tracePath[1] && !j.bridge);
      const trace = job ? options.traces?.[job.name] : undefined;
      if (typeof trace === 'string') return { status: 200, body: trace, headers: { 'Content-Type': 'text/plain' } };
      return trace ?? { status: 404, body: JSON.stringify({ message: '404 Not found' }) };
    }
    if (url.pathname === `/api/v4/projects/${PROJECT_ID}/pipelines`) {
      const ref = url.searchParams.get('ref');
      const finished = url.searchParams.get('scope') === 'finished';
      const pipelines = (options.pipelines ?? [])
        .filter(
          (p) =>
            (!ref || p.ref === ref) && (!finished || ['success', 'failed', 'canceled', 'skipped'].includes(p.status)),
        )
        .sort((a, b) => b.id - a.id)
        .map((p) => ({
          ...p,
          iid: p.id - 900000,
          project_id: PROJECT_ID,
          sha: '0a1b2c3d',
          source: 'push',
          web_url: `https://gitlab.example.com/acme/shop/-/pipelines/${p.id}`,
        }));
      return json(pipelines, { 'X-Page': '1', 'X-Total-Pages': '1', 'X-Total': String(pipelines.length) });
    }
    const match = new RegExp(`^/api/v4/projects/${PROJECT_ID}/pipelines/${PIPELINE_ID}/(jobs|bridges)$`).exec(
      url.pathname,
    );
    if (!match) return { status: 404, body: JSON.stringify({ message: '404 Not found' }) };
    const wantBridges = match[1] === 'bridges';
    // GitLab lists the newest first.
    const items = options.jobs.filter((j) => Boolean(j.bridge) === wantBridges).sort((a, b) => b.id - a.id);
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 20));
    const page = Number(url.searchParams.get('page') ?? 1);
    const pages = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number, rel: string) => `<${api.url}${url.pathname}?page=${n}&per_page=${perPage}>; rel="${rel}"`;
    const pagination = options.pagination ?? 'totals';
    const next = page < pages ? String(page + 1) : pagination === 'next-loop' && !wantBridges ? '1' : '';
    const headers: Record<string, string> = {
      'X-Page': String(page),
      'X-Per-Page': String(perPage),
      'X-Next-Page': next,
      'X-Prev-Page': page > 1 ? String(page - 1) : '',
    };
    if (pagination === 'totals') {
      headers['X-Total'] = String(items.length);
      headers['X-Total-Pages'] = String(pages);
      headers.Link = [page < pages ? link(page + 1, 'next') : '', link(1, 'first'), link(pages, 'last')]
        .filter(Boolean)
        .join(', ');
    }
    const answer = json(items.slice((page - 1) * perPage, page * perPage).map(gitlabJob), headers);
    return wantBridges ? answer : { ...answer, ...options.jobsPage?.(page) };
  });
  return api;
}

/**
 * A GitLab job trace as a runner writes it: a header, then each section's heading on its
 * `section_start:<time>:<name>` line (a carriage return and erase-line codes between), its lines,
 * and `section_end:<time>:<name>`; the runner's verdict in red last.
 */
export function gitlabTrace(
  sections: readonly (readonly [name: string, heading: string, lines: readonly string[]])[],
): string {
  const esc = '\x1b';
  let time = 1795161600;
  return [
    `${esc}[0KRunning with gitlab-runner 17.5.0 (66269445)${esc}[0;m`,
    ...sections.flatMap(([name, heading, lines]) => [
      `section_start:${time++}:${name}\r${esc}[0K${esc}[0K${esc}[36;1m${heading}${esc}[0;m`,
      ...lines,
      `section_end:${time++}:${name}\r${esc}[0K`,
    ]),
    `${esc}[31;1mERROR: Job failed: exit code 1`,
    `${esc}[0;m`,
    '',
  ].join('\n');
}

/** A runner-like GitLab environment for pipeline 905512 of acme/shop. */
export function gitlabEnv(
  api: string,
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    GITLAB_CI: 'true',
    CI: 'true',
    CI_SERVER_URL: 'https://gitlab.example.com',
    CI_API_V4_URL: `${api}/api/v4`,
    CI_PROJECT_ID: String(PROJECT_ID),
    CI_PROJECT_NAME: 'shop',
    CI_PROJECT_TITLE: 'Shop',
    CI_PROJECT_PATH: 'acme/shop',
    CI_PROJECT_NAMESPACE: 'acme',
    CI_PROJECT_URL: 'https://gitlab.example.com/acme/shop',
    CI_PIPELINE_ID: String(PIPELINE_ID),
    CI_PIPELINE_IID: '312',
    CI_PIPELINE_URL: `https://gitlab.example.com/acme/shop/-/pipelines/${PIPELINE_ID}`,
    CI_PIPELINE_CREATED_AT: '2026-11-20T08:00:00Z',
    CI_JOB_ID: '99000',
    CI_JOB_NAME: 'workflow-notify:failure',
    CI_JOB_STAGE: '.post',
    CI_JOB_STARTED_AT: '2026-11-20T08:05:00Z',
    CI_COMMIT_SHA: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
    CI_COMMIT_BRANCH: 'main',
    CI_COMMIT_REF_NAME: 'main',
    CI_COMMIT_TITLE: 'Fix checkout',
    CI_COMMIT_MESSAGE: 'Fix checkout\n\nCloses #12',
    CI_COMMIT_AUTHOR: 'Ann Lee <ann@example.com>',
    GITLAB_USER_LOGIN: 'ann',
    GITLAB_USER_ID: '1001',
    GITLAB_USER_EMAIL: 'ann@example.com',
    ...overrides,
  };
}
