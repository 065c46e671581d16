// The Zadig workflow webhook payload (SPEC §5): its types, in one place, and how a pipeline's
// context becomes one.
import type { Member } from './config/schema.js';
import type { PipelineContext, StageRecord } from './context/types.js';
import { isFinished, rollUpStatus } from './status.js';

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

export interface ZadigJob {
  name: string;
  display_name: string;
  type: string;
  status: string;
  start_time: number;
  end_time: number;
  error: string;
  spec: { repositories: ZadigRepository[] };
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

/** A job's status as the roll-up reads it: an allowed failure counts as passed. */
function rollUpWord(job: StageRecord['jobs'][number]): string {
  return job.allowFailure && job.status === 'failed' ? 'passed' : job.status;
}

/** The smallest known (non-zero) time, or 0. */
function earliest(times: readonly number[]): number {
  const known = times.filter(Boolean);
  return known.length ? Math.min(...known) : 0;
}

function buildStage(stage: StageRecord, repository: ZadigRepository): ZadigStage {
  const status = rollUpStatus(stage.jobs.map(rollUpWord));
  const ends = stage.jobs.map((job) => job.endTime);
  const finished = stage.jobs.every((job) => isFinished(job.status));
  return {
    name: stage.name,
    status,
    start_time: earliest(stage.jobs.map((job) => job.startTime)),
    end_time: finished && ends.every(Boolean) ? Math.max(...ends) : 0,
    error: stage.jobs
      .filter((job) => job.error)
      .map((job) => `${job.name}: ${job.error}`)
      .join('\n'),
    jobs: stage.jobs.map((job) => ({
      name: job.name,
      display_name: job.displayName,
      type: job.type,
      status: job.status,
      start_time: job.startTime,
      end_time: job.endTime,
      error: job.error,
      spec: { repositories: [repository] },
    })),
  };
}

export function buildPayload(
  context: PipelineContext,
  status: string,
  members: Readonly<Record<string, Member>>,
): ZadigPayload {
  const { repo } = context;
  const repository: ZadigRepository = {
    source: repo.source,
    repo_owner: repo.owner,
    repo_namespace: repo.namespace,
    repo_name: repo.name,
    branch: repo.branch,
    tag: repo.tag,
    commit_id: repo.sha,
    commit_url: repo.commitUrl,
    commit_message: repo.commitMessage,
    author_name: repo.authorName,
    prs: repo.prs,
  };
  // Without readable jobs the stages hold this job alone; the status the user gave is its status.
  const known =
    context.statusSource === 'none'
      ? context.stages.map((stage) => ({ ...stage, jobs: stage.jobs.map((job) => ({ ...job, status })) }))
      : context.stages;
  const stages = known.map((stage) => buildStage(stage, repository));
  const member = members[context.creator.login];
  const ends = stages.map((stage) => stage.end_time);
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
      end_time: isFinished(status) && ends.length && ends.every(Boolean) ? Math.max(...ends) : 0,
      task_creator: context.creator.login,
      task_creator_id: context.creator.id,
      task_creator_email: member?.email || context.creator.email,
      task_creator_phone: member?.mobile ?? '',
      task_type: 'workflow',
      stages,
    },
  };
}
