import type { Platform } from '../io/types.js';
import type { FailedLog } from './logs.js';

/** One CI job, already in Zadig's words (or an unknown vendor word, kept as given). */
export interface JobRecord {
  name: string;
  displayName: string;
  type: string;
  status: string;
  startTime: number;
  endTime: number;
  error: string;
  /** A failure the CI allows (GitLab allow_failure): shown failed, rolled up as passed. */
  allowFailure?: boolean;
}

export interface StageRecord {
  name: string;
  jobs: JobRecord[];
}

export interface RepoRecord {
  source: string;
  owner: string;
  namespace: string;
  name: string;
  branch: string;
  tag: string;
  sha: string;
  commitUrl: string;
  commitMessage: string;
  authorName: string;
  prs: number[] | null;
}

/** Where the workflow status comes from, strongest first. */
export type StatusSource = 'input' | 'needs' | 'run' | 'jobs' | 'none';

/** Why a context has no stages: no GitLab token, or a token that could not read the pipeline. */
export type StagesUnavailable = 'gitlab-token' | 'gitlab-api';

/** Where the stages came from: the CI's API, GitHub's `needs`, this job alone, git, or nowhere. */
export type StagesSource = 'api' | 'needs' | 'current-job' | 'git' | 'none';

/** What was read, for the one log line that says so (describeContext). */
export interface ContextOrigin {
  /** GitHub run id, GitLab pipeline id ('' when unknown). */
  runId: string;
  /** GitHub run attempt (1 when unknown); 0 elsewhere. */
  attempt: number;
  /** `owner/repo`, `group/project`, or the local folder's name. */
  project: string;
  stages: StagesSource;
  /** Why the jobs read are not all of them (a page missing, a repeated page, the time limit). */
  incomplete?: string | undefined;
}

/** What a CI adapter reads: everything the payload needs, in neutral form. */
export interface PipelineContext {
  platform: Platform;
  /** The CI server's address (X-Zadig-Instance). */
  instance: string;
  taskId: number;
  projectName: string;
  projectDisplayName: string;
  workflowName: string;
  workflowDisplayName: string;
  detailUrl: string;
  remark: string;
  creator: { login: string; id: string; email: string };
  createTime: number;
  startTime: number;
  /** The branch or tag the run is for (what `branches` globs match). */
  ref: string;
  repo: RepoRecord;
  stages: StageRecord[];
  status: string;
  statusSource: StatusSource;
  /** Vendor status words that are not known, each named once in a warning. */
  unknownStatuses: string[];
  /** The status of the previous finished run of this workflow on this ref, when asked and known. */
  previousStatus?: string | undefined;
  /** Why the previous run is not known, when it was asked for. */
  previousUnknown?: string | undefined;
  /** Set when `stages` is empty because they could not be read: the message says how to fix it. */
  stagesUnavailable?: StagesUnavailable | undefined;
  /** What was read and from where (describeContext). */
  origin?: ContextOrigin | undefined;
  /** The authors of the commits of this run (for email's `$committers`). */
  committers?: { login: string; name: string; email: string }[];
  /** Where the failed jobs' logs can be read (SPEC §12), when the API was read: the raw jobs. */
  logSource?: LogSource | undefined;
  /** The last lines of the failed steps' logs, when `log-lines` asked for them. */
  failedLogs?: FailedLog[] | undefined;
}

export interface AdapterIO {
  warning(line: string): void;
  info(line: string): void;
  debug(line: string): void;
}

/** The API a run's jobs came from, and those jobs as the API gave them (their logs are read on demand). */
export type LogSource =
  | { platform: 'github'; api: string; token: string; owner: string; repo: string; jobs: readonly unknown[] }
  | { platform: 'gitlab'; api: string; token: string; projectId: string; jobs: readonly unknown[] };
