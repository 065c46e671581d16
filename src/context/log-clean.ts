// CI log text made fit for a chat message (SPEC §12): what a terminal would hide goes (timestamps,
// colours, cursor codes, lines overwritten by \r, group and section markers), and every secret and
// common token shape is redacted before anything is cut or shown.
import { Redactor } from '../redact.js';

/** Longer lines are cut: one minified bundle or JSON dump would fill the whole message. */
export const MAX_LINE_CHARS = 500;

// GitHub stamps every line `2026-11-20T08:00:02.1234567Z `; GitLab (runner timestamps) adds a
// stream tag after its 6-digit stamp: `2026-11-20T08:00:02.123456Z 00O ` (`+` marks a continuation).
const GITLAB_STAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z \d\d[OE]\+? ?/;
const GITHUB_STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)(?: |$)/;
// CSI (colours, cursor and erase codes), OSC (titles, links) ended by BEL or ST, charset and other
// two-byte escapes.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[()][0-9A-Za-z]|\x1b[@-Z\\-_]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
// GitLab collapsible sections: `section_start:1732089602:step_script[collapsed=true]\r\e[0K`.
// eslint-disable-next-line no-control-regex
const SECTION_MARKER = /section_(?:start|end):\d+:[\w.-]+(?:\[[^\]\r\n]*\])?\r?(?:\x1b\[0K)?/g;
// GitHub's `##[group]`, `##[endgroup]`, `##[error]`…, and `[command]` before an echoed command.
const GITHUB_MARKER = /^(?:##\[[a-z-]+\]|\[command\])/;

const PRIVATE_KEY_BLOCK =
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g;
// The end of a key whose start fell outside the excerpt: its base64 lines go with it.
const PRIVATE_KEY_TAIL =
  /(?:^[A-Za-z0-9+/]{16,}={0,2}\n)*(?:^[A-Za-z0-9+/]+={0,2}\n)?-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/gm;
const TOKEN_SHAPES = new RegExp(
  [
    String.raw`gh[pousr]_[A-Za-z0-9]{20,}`,
    String.raw`github_pat_\w{20,}`,
    String.raw`gl(?:pat|dt|rt|ptt|cbt|ft|oas|soat)-[\w-]{20,}(?:\.[\w-]+)*`,
    String.raw`xox[abeprs]-[A-Za-z0-9-]{10,}`,
    String.raw`(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])`,
  ].join('|'),
  'g',
);

/** The time a GitHub log line is stamped with (milliseconds since the epoch), if it has one. */
export function logLineTime(line: string): number | undefined {
  const stamp = GITHUB_STAMP.exec(line);
  if (!stamp) return undefined;
  const time = Date.parse(stamp[1]!);
  return Number.isNaN(time) ? undefined : time;
}

/** One line as a terminal would show it; undefined when it showed something that is all markup. */
function cleanLine(raw: string): string | undefined {
  const unstamped = raw.replace(GITLAB_STAMP, '').replace(GITHUB_STAMP, '');
  // A carriage return rewrites the line: only the last thing written to it (an erase code too) shows.
  const written =
    unstamped
      .replace(SECTION_MARKER, '')
      .split('\r')
      .findLast((segment) => segment !== '') ?? '';
  const line = written.replace(ANSI, '').replace(GITHUB_MARKER, '').replace(CONTROL, '').trimEnd();
  return line === '' && unstamped !== '' ? undefined : line;
}

/** Replaces secrets and token shapes by `***`; multi-line secrets and key blocks included. */
function redactLog(text: string, secrets: readonly string[]): string {
  const redactor = new Redactor();
  for (const secret of secrets) redactor.add(secret);
  return redactor
    .redact(text.replace(PRIVATE_KEY_BLOCK, '***').replace(PRIVATE_KEY_TAIL, '***'))
    .replace(TOKEN_SHAPES, '***');
}

/** A line cut to `max` characters (never inside a surrogate pair), saying how much was left out. */
export function boundLine(line: string, max = MAX_LINE_CHARS): string {
  if (line.length <= max) return line;
  const cut = /[\ud800-\udbff]/.test(line[max - 1] ?? '') ? max - 1 : max;
  return `${line.slice(0, cut)}… (${line.length - cut} more characters)`;
}

/** Log text as the lines a reader should see: markup removed, secrets redacted, long lines cut. */
export function cleanLogLines(text: string, options: { secrets: readonly string[] }): string[] {
  const rawLines = text
    .replace(/^\ufeff/, '')
    .replace(/\r\n/g, '\n')
    .split('\n');
  if (rawLines.at(-1) === '') rawLines.pop();
  const shown = rawLines.map(cleanLine).filter((line) => line !== undefined);
  if (shown.length === 0) return [];
  return redactLog(shown.join('\n'), options.secrets)
    .split('\n')
    .map((line) => boundLine(line));
}

/** The last `n` lines (none for n ≤ 0). */
export function lastLines(lines: readonly string[], n: number): string[] {
  return n > 0 ? lines.slice(-Math.floor(n)) : [];
}

/**
 * The most last lines whose text (joined by newlines) fits in `maxChars`, for a target's limit;
 * a last line longer than the limit alone keeps its end.
 */
export function fitLastLines(lines: readonly string[], maxChars: number): string[] {
  const kept: string[] = [];
  let used = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    const cost = line.length + (kept.length > 0 ? 1 : 0);
    if (used + cost > maxChars) {
      if (kept.length === 0 && maxChars > 1)
        kept.push(`…${line.slice(line.length - maxChars + 1).replace(/^[\udc00-\udfff]/, '')}`);
      break;
    }
    kept.unshift(line);
    used += cost;
  }
  return kept;
}
