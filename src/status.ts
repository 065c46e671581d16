// Zadig's status words, and how GitHub / GitLab words map onto them.

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

const WORDS: Record<string, ZadigStatus> = {
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
};

/** The Zadig status for a Zadig, GitHub or GitLab word; undefined for an unknown word. */
export function toZadigStatus(word: string): ZadigStatus | undefined {
  return WORDS[
    word
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_')
  ];
}

export const STATUS_WORDS = Object.keys(WORDS);

const FINISHED: ReadonlySet<string> = new Set(['passed', 'failed', 'timeout', 'cancelled', 'skipped', 'reject']);

export function isFinished(status: string): boolean {
  return FINISHED.has(status);
}

/**
 * SPEC §4: any failed → failed; else timed out; else cancelled; else waiting; else nothing
 * finished → created; else all finished → passed; else running. Statuses that are not Zadig
 * words (unknown vendor words) count as running.
 */
export function rollUpStatus(statuses: readonly string[]): ZadigStatus {
  const has = (s: string) => statuses.includes(s);
  if (has('failed') || has('reject')) return 'failed';
  if (has('timeout')) return 'timeout';
  if (has('cancelled')) return 'cancelled';
  if (has('wait_for_approval')) return 'wait_for_approval';
  const finished = statuses.filter(isFinished).length;
  if (finished === 0) return 'created';
  if (finished === statuses.length) return 'passed';
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
