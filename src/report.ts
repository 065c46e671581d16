// What the user sees: one log line per target (with a dry run's requests), the step summary
// headed by what happened, and the outputs. Everything printed passes the redactor; JSON outputs
// are redacted value by value, so they stay valid JSON whatever a secret looks like.
import type { Preview, TargetResult } from './deliver.js';
import type { HttpRequest } from './http.js';
import type { PlatformIO } from './io/types.js';
import { payloadOutput, type ZadigPayload } from './payload.js';
import { displayUrl } from './redact.js';

export interface RunReport {
  status: string;
  /** `CI #47`: the workflow and run number. */
  run: string;
  payload: ZadigPayload;
  results: readonly TargetResult[];
  previews: ReadonlyMap<string, Preview>;
  dryRun: boolean;
  failOnError: boolean;
  /** A test message: the headline says so. */
  test?: boolean;
}

const STATE_ICONS: Record<string, string> = {
  passed: '✅',
  failed: '❌',
  reject: '❌',
  timeout: '⏱️',
  cancelled: '⛔',
};

export function logLine(result: TargetResult): string {
  const who = `${result.type} "${result.name}"`;
  switch (result.state) {
    case 'skipped':
      return `- ${who} skipped: ${result.reason ?? ''}`;
    case 'dry-run':
      return `○ ${who} dry run: nothing sent`;
    case 'sent':
      return `✓ ${who} delivered in ${result.ms} ms`;
    case 'failed':
      return `✗ ${who} failed: ${result.error ?? ''}`;
  }
}

/** A dry run shows this much of a body; a larger one (a 1,000-job payload) is shown in part. */
const SHOWN_BODY_BYTES = 64 * 1024;

function requestLines(request: HttpRequest): string[] {
  const lines = [`  ${request.method} ${displayUrl(request.url)}`];
  for (const [name, value] of Object.entries(request.headers)) lines.push(`  ${name}: ${value}`);
  if (request.body === undefined) return lines;
  const bytes = Buffer.byteLength(request.body);
  const shown =
    bytes > SHOWN_BODY_BYTES
      ? `${Buffer.from(request.body)
          .subarray(0, SHOWN_BODY_BYTES)
          .toString('utf8')
          .replace(/\uFFFD$/, '')}… (${bytes - SHOWN_BODY_BYTES} more bytes)`
      : request.body;
  lines.push(`  body (${bytes} bytes): ${shown}`);
  return lines;
}

export function counts(results: readonly TargetResult[]) {
  const count = (state: string) => results.filter((r) => r.state === state).length;
  return { sent: count('sent'), failed: count('failed'), skipped: count('skipped'), dryRun: count('dry-run') };
}

/** `✅ CI #47 passed — 3 sent, 0 failed, 1 skipped`, or the dry run's count. */
export function headline(report: Pick<RunReport, 'status' | 'run' | 'results' | 'dryRun' | 'test'>): string {
  const c = counts(report.results);
  const icon = STATE_ICONS[report.status] ?? 'ℹ️';
  const what = report.dryRun
    ? `dry run — ${c.dryRun} shown, nothing sent, ${c.skipped} skipped`
    : `${c.sent} sent, ${c.failed} failed, ${c.skipped} skipped`;
  if (report.test) return `🧪 test message — ${what}`;
  return `${icon} ${report.run} ${report.status} — ${what}`;
}

/** A table cell of text from outside (a vendor's answer): no markup, no link, no image. */
function cell(value: string): string {
  return value
    .replace(/\r?\n/g, ' ')
    .replace(/[\\[\]|]/g, '\\$&')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

export function summaryMarkdown(report: RunReport): string {
  const rows = report.results.map((r) => {
    const outcome =
      r.state === 'skipped'
        ? `skipped: ${r.reason ?? ''}`
        : r.state === 'dry-run'
          ? 'dry run: nothing sent'
          : r.state === 'sent'
            ? '✓ delivered'
            : `✗ failed: ${r.error ?? ''}`;
    const time = r.state === 'sent' || r.state === 'failed' ? `${r.ms} ms` : '';
    return `| ${cell(r.name)} | ${r.type} | ${cell(r.events.join(', ') || '—')} | ${cell(outcome)} | ${time} |`;
  });
  return [
    `### ${headline(report)}`,
    '',
    '| Target | Type | Event | Result | Time |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

/** The `payload` output, redacted value by value, under 1,000,000 bytes (without jobs when larger). */
function payloadJson(payload: ZadigPayload, io: PlatformIO): string {
  const { json, trimmed } = payloadOutput(io.redactor.redactJson(payload) as ZadigPayload);
  if (trimmed) {
    io.warning(
      'The payload is over 1,000,000 bytes: the payload output holds it without its jobs (the targets received it whole).',
    );
  }
  return json;
}

export function writeOutputs(io: PlatformIO, report: RunReport): void {
  // A 1,000-job payload is half a megabyte of JSON: built only when it goes somewhere.
  if (!io.hasOutputs) return;
  const { results } = report;
  const fired = [...new Set(results.filter((r) => r.state !== 'skipped').flatMap((r) => r.events))];
  const c = counts(results);
  io.setOutput('status', report.status);
  io.setOutput('events', fired.join(';'));
  io.setOutput('payload', payloadJson(report.payload, io));
  io.setOutput('sent', String(c.sent));
  io.setOutput('failed', String(c.failed));
  io.setOutput('skipped', String(c.skipped));
  const listed = results.map(({ name, type, state, error, reason, attempts, ms, receivers }) => ({
    name,
    type,
    state,
    ok: state === 'sent' || state === 'dry-run',
    skipped: state === 'skipped',
    error,
    reason,
    attempts,
    ms,
    ...(receivers ? { receivers } : {}),
  }));
  io.setOutput('results', JSON.stringify(io.redactor.redactJson(listed)));
  io.setOutput('message-refs', encodeRefs(results));
}

/** The log lines, the summary and the outputs of a run; the exit code it earns. */
export function reportRun(io: PlatformIO, report: RunReport): number {
  for (const result of report.results) {
    const line = logLine(result);
    if (result.state === 'failed') {
      if (report.failOnError) io.error(line);
      else io.warning(line);
    } else {
      io.info(line);
    }
    for (const r of result.receivers ?? []) {
      io.info(r.ok ? `    ✓ ${r.receiver}` : `    ✗ ${r.receiver}: ${r.error ?? 'not delivered'}`);
    }
    const shown = report.previews.get(result.name);
    if (shown) {
      shown.warnings.forEach((w) => io.warning(`${result.type} "${result.name}": ${w}`));
      const lines = [...shown.requests.flatMap(requestLines), ...shown.lines.map((l) => `  ${l}`)];
      if (lines.length) io.info(lines.join('\n'));
    }
  }
  writeOutputs(io, report);
  io.appendSummary(summaryMarkdown(report));
  // The log ends with what happened too, on every platform (GitHub's summary is not in the log).
  io.info(headline(report));
  const failed = report.results.some((r) => r.state === 'failed');
  return failed && report.failOnError ? 1 : 0;
}

export function reportProblems(io: PlatformIO, problems: readonly string[]): number {
  io.error(`The configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was sent:`);
  for (const problem of problems) io.error(`  ${problem}`);
  return 1;
}

/** The `message-refs` output: each target's ids (never an address or a token), base64url JSON. */
export function encodeRefs(results: readonly TargetResult[]): string {
  const refs = Object.fromEntries(results.filter((r) => r.ref !== undefined).map((r) => [r.name, r.ref]));
  return Object.keys(refs).length ? Buffer.from(JSON.stringify(refs)).toString('base64url') : '';
}

/** The `message-refs` input back into each target's ids; unreadable text is ignored with a warning. */
export function decodeRefs(text: string, warn: (line: string) => void): Record<string, unknown> {
  if (!text) return {};
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  warn('message-refs is not the message-refs output of an earlier step: new messages are sent.');
  return {};
}
