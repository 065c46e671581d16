// Zadig's status words, how GitHub / GitLab words map onto them, and the one roll-up rule.

export const ZADIG_STATUSES = [
  'created',
  'running',
  'passed',
  'failed',
  'timeout',
  'cancelled',
  'wait_for_approval',
  'skipped',
  'reject',
] as const;
export type ZadigStatus = (typeof ZADIG_STATUSES)[number];

// A Map, not an object: a vendor word such as `constructor` or `__proto__` must not find
// something inherited (SPEC §14).
const WORDS: ReadonlyMap<string, ZadigStatus> = new Map(
  Object.entries({
    // Zadig
    created: 'created',
    running: 'running',
    passed: 'passed',
    failed: 'failed',
    timeout: 'timeout',
    cancelled: 'cancelled',
    wait_for_approval: 'wait_for_approval',
    skipped: 'skipped',
    reject: 'reject',
    prepare: 'created',
    waiting: 'wait_for_approval',
    // GitHub job/run status and conclusion
    success: 'passed',
    neutral: 'passed',
    failure: 'failed',
    startup_failure: 'failed',
    timed_out: 'timeout',
    action_required: 'wait_for_approval',
    queued: 'created',
    requested: 'created',
    pending: 'created',
    in_progress: 'running',
    // GitLab job/pipeline status
    canceled: 'cancelled',
    canceling: 'cancelled',
    manual: 'wait_for_approval',
    scheduled: 'created',
    preparing: 'created',
    waiting_for_resource: 'created',
    waiting_for_callback: 'running',
    // Common shorthands
    succeeded: 'passed',
    fail: 'failed',
    error: 'failed',
    cancel: 'cancelled',
    started: 'created',
  } satisfies Record<string, ZadigStatus>),
);

/** The Zadig status for a Zadig, GitHub or GitLab word; undefined for an unknown word or a non-string. */
export function toZadigStatus(word: unknown): ZadigStatus | undefined {
  if (typeof word !== 'string') return undefined;
  return WORDS.get(
    word
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_'),
  );
}

/** A vendor word as a job keeps it: the Zadig status, else the word itself (unknown, read as running). */
export function vendorStatus(word: unknown): string {
  return toZadigStatus(word) ?? (typeof word === 'string' ? word : '');
}

/** Whether a status is one of Zadig's own words (anything else is an unknown vendor word). */
export function isZadigStatus(status: string): status is ZadigStatus {
  return (ZADIG_STATUSES as readonly string[]).includes(status);
}

export const STATUS_WORDS = [...WORDS.keys()];

const FINISHED: ReadonlySet<string> = new Set(['passed', 'failed', 'timeout', 'cancelled', 'skipped', 'reject']);

/** The one definition of "finished": nothing more will happen to a job or run with this status. */
export function isFinished(status: string): boolean {
  return FINISHED.has(status);
}

/**
 * SPEC §4: skipped work is left out; any failed → failed; else timed out; else cancelled; else
 * waiting; else nothing finished → created; else all finished → passed; else running. Unknown
 * vendor words count as running. When every status is `skipped`, the whole is `skipped` (GitHub
 * and GitLab say the same of a run whose jobs were all skipped); no status at all is `created`.
 */
export function rollUpStatus(statuses: readonly string[]): ZadigStatus {
  const counted = statuses.filter((status) => status !== 'skipped');
  if (counted.length === 0) return statuses.length > 0 ? 'skipped' : 'created';
  const has = (s: string) => counted.includes(s);
  if (has('failed') || has('reject')) return 'failed';
  if (has('timeout')) return 'timeout';
  if (has('cancelled')) return 'cancelled';
  if (has('wait_for_approval')) return 'wait_for_approval';
  const finished = counted.filter(isFinished).length;
  if (finished === 0) return 'created';
  if (finished === counted.length) return 'passed';
  return 'running';
}

/**
 * The status a run reports: the status input wins over the computed one, except that a plain
 * `failed` (what GitLab's on_failure job or GitHub's job.status can say) is refined to `timeout`
 * when the jobs show it.
 */
export function reportedStatus(input: string | undefined, computed: { status: string; statusSource: string }): string {
  if (input === 'failed' && computed.statusSource === 'jobs' && computed.status === 'timeout') return 'timeout';
  return input ?? computed.status;
}

/** What a roll-up needs of a job. */
export interface RolledUpJob {
  status: string;
  /** A failure the CI allows (GitLab allow_failure): shown failed, rolled up as passed. */
  allowFailure?: boolean | undefined;
}

const ALLOWED: ReadonlySet<string> = new Set(['failed', 'timeout']);

/** The status of a group of jobs (a stage, a run): an allowed failure (or timeout) counts as passed. */
export function rollUpJobs(jobs: readonly RolledUpJob[]): ZadigStatus {
  return rollUpStatus(jobs.map((job) => (job.allowFailure && ALLOWED.has(job.status) ? 'passed' : job.status)));
}
