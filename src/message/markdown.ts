// The body lines of the default message, for any markdown-like dialect. Each target passes its
// dialect: how to escape data, make bold text and links, and break lines.
import type { Message } from './index.js';

export interface Dialect {
  escape(text: string): string;
  bold(text: string): string;
  link(text: string, url: string): string;
  /** Written before each fact line (e.g. `- ` or a heading marker). */
  bullet: string;
  /** Log lines as a block of code; default: a fenced block of escaped lines. */
  code?: (lines: readonly string[]) => string;
}

/** A fenced block: each line escaped, and a fence inside a line broken so it cannot close it. */
export function fencedCode(lines: readonly string[], escape: (text: string) => string): string {
  return ['```', ...lines.map((line) => escape(line).replace(/```/g, '`\u200b``')), '```'].join('\n');
}

/** A URL made safe inside markdown link syntax. */
export function safeUrl(url: string): string {
  return /^https?:\/\//i.test(url) ? url.replace(/[()<>|\s"]/g, (ch) => encodeURIComponent(ch)) : '';
}

export const markdownDialect = (escape: (text: string) => string, bullet = '- '): Dialect => ({
  escape,
  bold: (text) => `**${text}**`,
  link: (text, url) => (safeUrl(url) ? `[${text}](${safeUrl(url)})` : text),
  bullet,
});

export function factLines(message: Message, d: Dialect): string[] {
  return message.facts.map((fact) => `${d.bullet}${d.bold(d.escape(fact.label))}: ${d.escape(fact.value)}`);
}

export function stageLines(message: Message, d: Dialect): string[] {
  const lines: string[] = [];
  for (const stage of message.stages) {
    lines.push(`${d.bullet}${stage.icon} ${d.bold(d.escape(stage.name))}: ${d.escape(stage.statusText)}`);
    for (const job of stage.jobs) lines.push(`    ${job.icon} ${d.escape(job.name)}: ${d.escape(job.statusText)}`);
  }
  // What the stages would show with more access (e.g. an API token) stands in their place.
  for (const note of message.notes) lines.push(`${d.bullet}ℹ️ ${d.escape(note)}`);
  return lines;
}

export function commitLine(message: Message, d: Dialect): string | undefined {
  const c = message.commit;
  if (!c) return undefined;
  const branch = c.branch ? `${d.escape(c.branch)} ` : '';
  const sha = c.url ? d.link(c.shortSha, c.url) : c.shortSha;
  return `${d.bullet}${d.bold(d.escape(message.texts.commit))}: ${branch}${sha} ${d.escape(c.message)}`.trimEnd();
}

/** The error, then the last lines of each failed step's log (SPEC §12) as code blocks. */
export function errorLine(message: Message, d: Dialect): string | undefined {
  const parts = message.error
    ? [`${d.bullet}${d.bold(d.escape(message.texts.error))}: ${d.escape(message.error)}`]
    : [];
  for (const log of message.logs) {
    const code = d.code ? d.code(log.lines) : fencedCode(log.lines, d.escape);
    parts.push(`${d.bold(d.escape(message.texts.logOf(log.job, log.step)))}\n${code}`);
  }
  return parts.length ? parts.join('\n') : undefined;
}

/** The user's message rendered for this dialect, else the default details. */
export function details(message: Message, escape: (text: string) => string, fallback: () => string): string {
  return message.body ? message.body(escape) : fallback();
}

/** Facts, stages, commit and error, in Zadig's order. */
export function bodyLines(message: Message, d: Dialect): string[] {
  return [...factLines(message, d), ...stageLines(message, d), commitLine(message, d), errorLine(message, d)].filter(
    (line): line is string => line !== undefined,
  );
}

/** The word a bot's keyword security needs: the target's `keyword`, else "Workflow" / "工作流". */
export function botKeyword(keyword: string, message: Message): string {
  return keyword || message.texts.workflow;
}

/** The bot's keyword, appended when the text does not hold it (keyword security). */
export function ensureKeyword(text: string, keyword: string | undefined): string {
  return keyword && !text.includes(keyword) ? `${text}\n\n${keyword}` : text;
}
