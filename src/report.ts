import type { TargetResult } from './deliver.js';
import type { PlatformIO } from './io/types.js';
import type { ZadigPayload } from './payload.js';

export function logLine(result: TargetResult, dryRun: boolean): string {
  const who = `${result.type} "${result.name}"`;
  if (result.skipped) return `- ${who} skipped: ${result.error ?? ''}`;
  if (dryRun) return `○ ${who} dry run: nothing sent`;
  return result.ok ? `✓ ${who} delivered in ${result.ms} ms` : `✗ ${who} failed: ${result.error ?? ''}`;
}

function cell(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function summaryMarkdown(status: string, results: readonly TargetResult[], dryRun: boolean): string {
  const rows = results.map((r) => {
    const outcome = r.skipped ? 'skipped' : dryRun ? 'dry run' : r.ok ? '✓ delivered' : `✗ ${r.error ?? 'failed'}`;
    const time = r.skipped || dryRun ? '' : `${r.ms} ms`;
    return `| ${cell(r.name)} | ${r.type} | ${cell(r.events.join(', ') || '—')} | ${cell(outcome)} | ${time} |`;
  });
  return [
    `### workflow-notify: ${status}`,
    '',
    '| Target | Type | Event | Result | Time |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

export function writeOutputs(
  io: PlatformIO,
  status: string,
  payload: ZadigPayload,
  results: readonly TargetResult[],
): void {
  // A 1,000-job payload is half a megabyte of JSON: built only when it goes somewhere.
  if (!io.hasOutputs) return;
  const fired = [...new Set(results.filter((r) => !r.skipped).flatMap((r) => r.events))];
  io.setOutput('status', status);
  io.setOutput('events', fired.join(';'));
  io.setOutput('payload', JSON.stringify(payload));
  io.setOutput('sent', String(results.filter((r) => r.ok && !r.skipped).length));
  io.setOutput('failed', String(results.filter((r) => !r.ok && !r.skipped).length));
  io.setOutput('skipped', String(results.filter((r) => r.skipped).length));
  io.setOutput(
    'results',
    JSON.stringify(
      results.map(({ name, type, ok, skipped, error, attempts, ms }) => ({
        name,
        type,
        ok,
        skipped,
        error,
        attempts,
        ms,
      })),
    ),
  );
}
