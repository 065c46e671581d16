// One log line saying which platform was detected and what its context was read from.
import type { PipelineContext } from './types.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function whatWasRead(context: PipelineContext): string {
  const jobs = context.stages.reduce((sum, stage) => sum + stage.jobs.length, 0);
  const incomplete = context.origin?.incomplete ? ` (incomplete: ${context.origin.incomplete})` : '';
  if (context.stagesUnavailable === 'gitlab-token') return 'no token, stages not read';
  if (context.stagesUnavailable === 'gitlab-api') return 'the API could not be read, stages not read';
  switch (context.origin?.stages) {
    case 'api':
      return `${plural(jobs, 'job')} from the API${incomplete}`;
    case 'needs':
      return `${plural(jobs, 'job')} from needs`;
    case 'current-job':
      return 'this job alone (no readable jobs, no needs)';
    case 'git':
      return context.repo.sha ? 'the git checkout' : 'no git checkout here';
    default:
      return jobs ? plural(jobs, 'job') : 'no stages';
  }
}

function statusNote(context: PipelineContext): string {
  if (context.statusSource === 'run') return "; status from the triggering run's conclusion";
  if (context.statusSource === 'needs' && context.origin?.stages !== 'needs') return '; status from needs';
  return '';
}

/**
 * `GitLab pipeline 905512 (iid 312) of acme/shop: 7 jobs from the API`,
 * `GitHub run 8123456789 attempt 1 of acme/shop: 3 jobs from needs`, `Local git checkout shop: …`.
 */
export function describeContext(context: PipelineContext): string {
  const origin = context.origin;
  const project = origin?.project || context.projectDisplayName;
  let where: string;
  if (context.platform === 'github') {
    where = `GitHub run ${origin?.runId || '?'} attempt ${origin?.attempt || 1} of ${project}`;
  } else if (context.platform === 'gitlab') {
    where = `GitLab pipeline ${origin?.runId || '?'} (iid ${context.taskId}) of ${project}`;
  } else {
    const at = context.repo.sha ? ` at ${context.repo.sha.slice(0, 7)}` : '';
    where = `Local (no CI detected): ${project}${at}${context.ref ? ` on ${context.ref}` : ''}`;
  }
  return `${where}: ${whatWasRead(context)}${statusNote(context)}`;
}
