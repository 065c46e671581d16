// The neutral message: plain data built once per run (per language) from the payload; each
// target renders it in its own dialect. Values here are plain text: renderers escape them.
import type { Language } from '../config/schema.js';
import { payloadCommit, type ZadigPayload, type ZadigRepository } from '../payload.js';
import { formatTime } from '../time.js';
import { fitLastLines } from '../context/log-clean.js';
import type { FailedLog } from '../context/logs.js';
import { texts, type Change, type Texts } from './i18n.js';
import type { StagesUnavailable } from '../context/types.js';
import { NO_MENTIONS, type Mentions } from './mentions.js';
import type { Render } from './template.js';
import { codePoints, truncateTo } from './truncate.js';

export type Tone = 'success' | 'failure' | 'warning' | 'info';

export interface Fact {
  label: string;
  value: string;
}

export interface StatusLine {
  name: string;
  icon: string;
  statusText: string;
  jobs: { name: string; icon: string; statusText: string }[];
}

export interface Message {
  texts: Texts;
  status: string;
  statusText: string;
  tone: Tone;
  /** `{icon} Workflow {name} #{id} {status}`; plain text. */
  title: string;
  facts: Fact[];
  stages: StatusLine[];
  commit: { branch: string; sha: string; shortSha: string; url: string; message: string } | undefined;
  error: string;
  url: string;
  mentions: Mentions;
  /** The user's `message` template, rendered with a dialect's escaping; replaces the details. */
  body: Render | undefined;
  /** Lines about what the message cannot show (e.g. stages without an API token). */
  notes: string[];
  /** The last lines of failed steps' logs (SPEC §12), already cut to fit a message. */
  logs: FailedLog[];
}

/** The characters of log lines shown per failed job (three jobs at most). */
const LOG_CHARS = 1500;

/** Pipeline values are capped before rendering, so that no one value crowds out the rest. */
const CAP = { title: 200, fact: 500, commit: 500, error: 2000, jobs: 40 };

/** SPEC §6: 👍 passed/created, ❌ failed, ⚠️ otherwise. */
export function statusIcon(status: string): string {
  if (status === 'passed' || status === 'created') return '👍';
  if (status === 'failed' || status === 'reject') return '❌';
  return '⚠️';
}

export function statusTone(status: string): Tone {
  if (status === 'passed') return 'success';
  if (status === 'failed' || status === 'reject' || status === 'timeout') return 'failure';
  if (status === 'cancelled' || status === 'wait_for_approval') return 'warning';
  return 'info';
}

function lineIcon(status: string): string {
  const icons: Record<string, string> = {
    passed: '✅',
    failed: '❌',
    reject: '❌',
    timeout: '⏱️',
    cancelled: '⛔',
    skipped: '⏭️',
    wait_for_approval: '⏸️',
  };
  return Object.hasOwn(icons, status) ? (icons[status] as string) : '⏳';
}

function cap(text: string, max: number, t: Texts): string {
  return truncateTo(text, max, t.truncated, codePoints);
}

export function formatDuration(seconds: number, t: Texts): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [h ? `${h}${t.units.h}` : '', h || m ? `${m}${t.units.m}` : '', `${s % 60}${t.units.s}`];
  return parts.join('').trim();
}

const BAD = new Set(['failed', 'timeout', 'reject']);

/** How this run's status compares with the previous run's: fixed, broken or still failing. */
export function changeOf(status: string, previous: string | undefined): Change | undefined {
  if (!previous) return undefined;
  if (status === 'passed' && (BAD.has(previous) || previous === 'cancelled')) return 'fixed';
  if (BAD.has(status) && previous === 'passed') return 'broken';
  if (BAD.has(status) && BAD.has(previous)) return 'still_failing';
  return undefined;
}

export interface MessageOptions {
  language: Language;
  timeZone: string;
  /** Unix seconds: the end of a run that has not ended. */
  nowSeconds: number;
  previousStatus?: string | undefined;
  /** Why the stages could not be read (the message says what would add them). */
  stagesUnavailable?: StagesUnavailable | undefined;
  /** The commit, when the payload has no job to carry it (no stages without an API token). */
  repository?: ZadigRepository | undefined;
  /** The last lines of failed steps' logs, when `log-lines` asked for them. */
  failedLogs?: readonly FailedLog[] | undefined;
}

/** The default message of a run, without mentions or a custom title and body. */
export function buildMessage(payload: ZadigPayload, options: MessageOptions): Message {
  const { nowSeconds, previousStatus } = options;
  const w = payload.workflow;
  const t = texts(options.language);
  const statusText = t.status[w.status] ?? w.status;
  const change = changeOf(w.status, previousStatus);
  const changed = change ? ` (${t.change[change]})` : '';
  const heading = `${statusIcon(w.status)} ${t.workflow} ${w.workflow_display_name} #${w.task_id} ${statusText}${changed}`;
  const title = cap(heading, CAP.title, t);
  const end = w.end_time || nowSeconds;
  const facts: Fact[] = [
    { label: t.executor, value: cap(w.task_creator, CAP.fact, t) },
    { label: t.project, value: cap(w.project_display_name, CAP.fact, t) },
    { label: t.startTime, value: formatTime(w.start_time, options.timeZone) },
    { label: t.duration, value: w.start_time ? formatDuration(end - w.start_time, t) : '' },
    { label: t.remark, value: cap(w.remark, CAP.fact, t) },
  ].filter((fact) => fact.value !== '');

  let jobBudget = CAP.jobs;
  const stages = w.stages.map((stage) => {
    const jobs =
      stage.jobs.length === 1 && stage.jobs[0]?.display_name === stage.name
        ? []
        : stage.jobs.slice(0, Math.max(0, jobBudget)).map((job) => ({
            name: cap(job.display_name || job.name, CAP.fact, t),
            icon: lineIcon(job.status),
            statusText: t.status[job.status] ?? job.status,
          }));
    jobBudget -= jobs.length;
    return {
      name: cap(stage.name, CAP.fact, t),
      icon: lineIcon(stage.status),
      statusText: t.status[stage.status] ?? stage.status,
      jobs,
    };
  });

  const repo = payloadCommit(payload) ?? options.repository;
  const commit = repo?.commit_id
    ? {
        branch: repo.branch || repo.tag,
        sha: repo.commit_id,
        shortSha: repo.commit_id.slice(0, 7),
        url: repo.commit_url,
        message: cap(repo.commit_message.split(/\r?\n/, 1)[0] ?? '', CAP.commit, t),
      }
    : undefined;

  return {
    texts: t,
    status: w.status,
    statusText,
    tone: statusTone(w.status),
    title,
    facts,
    stages,
    commit,
    error: cap(w.error, CAP.error, t),
    url: w.detail_url,
    mentions: NO_MENTIONS,
    body: undefined,
    notes: options.stagesUnavailable ? [t.stagesUnavailable[options.stagesUnavailable]] : [],
    // Each job's excerpt keeps its last lines within a size every target can show whole.
    logs: (options.failedLogs ?? []).map((log) => ({ ...log, lines: fitLastLines(log.lines, LOG_CHARS) })),
  };
}

/** One target's message: its mentions, and its own title and body when it has templates. */
export function messageForTarget(
  message: Message,
  parts: { mentions: Mentions; title?: string | undefined; body?: Render | undefined },
): Message {
  return {
    ...message,
    mentions: parts.mentions,
    title: parts.title ?? message.title,
    body: parts.body ?? message.body,
  };
}
