// The Zadig workflow webhook payload (SPEC §5): its types, in one place, and how a pipeline's
// context becomes one.
import type { Member } from './config/schema.js';
import type { JobRecord, PipelineContext, StageRecord } from './context/types.js';
import { codePoints, truncateTo } from './message/truncate.js';
import { isFinished, rollUpJobs } from './status.js';

/** A commit message in the payload is cut here (SPEC §5), in characters (code points). */
export const COMMIT_MESSAGE_CHARS = 4096;
/** What ends a cut commit message. */
export const TRUNCATION_MARKER = '…(truncated)';
/** The `payload` output stays under this many bytes (SPEC §8). */
export const PAYLOAD_OUTPUT_BYTES = 1_000_000;

export interface ZadigRepository {
  source: string;
  repo_owner: string;
  repo_namespace: string;
  repo_name: string;
  branch: string;
  tag: string;
  commit_id: string;
  commit_url: string;
  commit_message: string;
  author_name: string;
  prs: number[] | null;
}

export interface ZadigJobSpec {
  repositories: ZadigRepository[];
}

export interface ZadigJob {
  name: string;
  display_name: string;
  type: string;
  status: string;
  start_time: number;
  end_time: number;
  error: string;
  /** The repository entry, on the first job of the first stage only; null elsewhere (as Zadig). */
  spec: ZadigJobSpec | null;
}

export interface ZadigStage {
  name: string;
  status: string;
  start_time: number;
  end_time: number;
  error: string;
  jobs: ZadigJob[];
}

export interface ZadigWorkflow {
  task_id: number;
  project_name: string;
  project_display_name: string;
  workflow_name: string;
  workflow_display_name: string;
  status: string;
  remark: string;
  detail_url: string;
  error: string;
  create_time: number;
  start_time: number;
  end_time: number;
  task_creator: string;
  task_creator_id: string;
  task_creator_email: string;
  task_creator_phone: string;
  task_type: 'workflow';
  stages: ZadigStage[];
}

export interface ZadigPayload {
  object_kind: 'workflow';
  event: 'workflow';
  workflow: ZadigWorkflow;
}

/** The smallest known (non-zero) time, or 0. */
function earliest(times: readonly number[]): number {
  const known = times.filter(Boolean);
  return known.length ? Math.min(...known) : 0;
}

/** When a group of things ended: the last end once all that ran have finished (skipped ones aside), else 0. */
function lastEnd(items: readonly { status: string; end: number }[]): number {
  const ran = items.filter((item) => item.status !== 'skipped');
  const counted = ran.length ? ran : items;
  if (counted.length === 0 || !counted.every((item) => isFinished(item.status) && item.end)) return 0;
  return Math.max(...counted.map((item) => item.end));
}

function buildJob(job: JobRecord, spec: ZadigJobSpec | null): ZadigJob {
  return {
    name: job.name,
    display_name: job.displayName,
    type: job.type,
    status: job.status,
    start_time: job.startTime,
    end_time: job.endTime,
    error: job.error,
    spec,
  };
}

function buildStage(stage: StageRecord, firstJobSpec: ZadigJobSpec | null): ZadigStage {
  return {
    name: stage.name,
    status: rollUpJobs(stage.jobs),
    start_time: earliest(stage.jobs.map((job) => job.startTime)),
    end_time: lastEnd(stage.jobs.map((job) => ({ status: job.status, end: job.endTime }))),
    error: stage.jobs
      .filter((job) => job.error)
      .map((job) => `${job.name}: ${job.error}`)
      .join('\n'),
    jobs: stage.jobs.map((job, index) => buildJob(job, index === 0 ? firstJobSpec : null)),
  };
}

/** The Zadig repository entry for this run's commit (its message cut at 4,096 characters). */
export function repositoryEntry(context: PipelineContext): ZadigRepository {
  const { repo } = context;
  return {
    source: repo.source,
    repo_owner: repo.owner,
    repo_namespace: repo.namespace,
    repo_name: repo.name,
    branch: repo.branch,
    tag: repo.tag,
    commit_id: repo.sha,
    commit_url: repo.commitUrl,
    commit_message: truncateTo(repo.commitMessage, COMMIT_MESSAGE_CHARS, TRUNCATION_MARKER, codePoints),
    author_name: repo.authorName,
    prs: repo.prs,
  };
}

export function buildPayload(
  context: PipelineContext,
  status: string,
  members: Readonly<Record<string, Member>>,
): ZadigPayload {
  const spec: ZadigJobSpec = { repositories: [repositoryEntry(context)] };
  // Without readable jobs the stages hold this job alone; the status the user gave is its status.
  const known =
    context.statusSource === 'none'
      ? context.stages.map((stage) => ({ ...stage, jobs: stage.jobs.map((job) => ({ ...job, status })) }))
      : context.stages;
  const stages = known.map((stage, index) => buildStage(stage, index === 0 ? spec : null));
  const member = Object.hasOwn(members, context.creator.login) ? members[context.creator.login] : undefined;
  return {
    object_kind: 'workflow',
    event: 'workflow',
    workflow: {
      task_id: context.taskId,
      project_name: context.projectName,
      project_display_name: context.projectDisplayName,
      workflow_name: context.workflowName,
      workflow_display_name: context.workflowDisplayName,
      status,
      remark: context.remark,
      detail_url: context.detailUrl,
      error: stages
        .map((stage) => stage.error)
        .filter(Boolean)
        .join('\n'),
      create_time: context.createTime,
      start_time: context.startTime || earliest(stages.map((stage) => stage.start_time)),
      end_time: isFinished(status)
        ? lastEnd(stages.map((stage) => ({ status: stage.status, end: stage.end_time })))
        : 0,
      task_creator: context.creator.login,
      task_creator_id: context.creator.id,
      task_creator_email: member?.email || context.creator.email,
      task_creator_phone: member?.mobile ?? '',
      task_type: 'workflow',
      stages,
    },
  };
}

/** The repository entry of a payload (on its first job), if it has one. */
export function payloadCommit(payload: ZadigPayload): ZadigRepository | undefined {
  return payload.workflow.stages[0]?.jobs[0]?.spec?.repositories[0];
}

const bytes = (json: string) => Buffer.byteLength(json, 'utf8');

/**
 * The `payload` output (SPEC §8): the payload as JSON, or, when that is 1,000,000 bytes or more,
 * the payload without its jobs (then without its stages), with `trimmed` set so a warning is given.
 */
export function payloadOutput(payload: ZadigPayload): { json: string; trimmed: boolean } {
  const json = JSON.stringify(payload);
  if (bytes(json) < PAYLOAD_OUTPUT_BYTES) return { json, trimmed: false };
  const w = payload.workflow;
  const withoutJobs = JSON.stringify({
    ...payload,
    workflow: { ...w, stages: w.stages.map((stage) => ({ ...stage, jobs: [] })) },
  });
  if (bytes(withoutJobs) < PAYLOAD_OUTPUT_BYTES) return { json: withoutJobs, trimmed: true };
  // Thousands of stages, or errors that are huge on their own: what is left is the workflow itself.
  const error = truncateTo(w.error, 64 * 1024, TRUNCATION_MARKER, bytes);
  return { json: JSON.stringify({ ...payload, workflow: { ...w, error, stages: [] } }), trimmed: true };
}
