import { appendFileSync } from 'node:fs';
import { debug, error, info, setSecret, warning } from '@actions/core';
import { ConsoleIO } from './console.js';
import type { Redactor } from '../redact.js';

/** A line of a multi-line secret shorter than this is not masked on its own (`}` would hide every brace). */
const MIN_MASKED_LINE = 4;

/** Text that the runner could read as a workflow command: `::name::`, the legacy `##[name]`, or a second line. */
const COMMAND_LIKE = /[\r\n]|::|##\[/;

/**
 * A token in UUID form that none of `texts` holds. What makes it safe is that check, not
 * unpredictability, so Math.random does: node:crypto would cost milliseconds to load.
 */
function tokenNotIn(...texts: string[]): string {
  const hex = (digits: number) =>
    Array.from({ length: digits }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  for (;;) {
    const token = `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(Math.random() * 4)]}${hex(3)}-${hex(12)}`;
    if (!texts.some((text) => text.includes(token))) return token;
  }
}

/**
 * The runner's protocol through @actions/core, which writes its commands to process.stdout.
 * The output and summary files are named by this IO's `env` (core would read process.env).
 */
export class GitHubIO extends ConsoleIO {
  constructor(env: Readonly<Record<string, string | undefined>>, redactor: Redactor) {
    super('github', env, redactor, (text) => process.stdout.write(text));
  }

  override get hasOutputs(): boolean {
    return Boolean(this.env.GITHUB_OUTPUT);
  }

  /** `core.getInput`'s variable: spaces become `_`, hyphens stay, upper-cased. */
  override inputVariable(input: string): string {
    return `INPUT_${input.replace(/ /g, '_').toUpperCase()}`;
  }

  /** Untrusted text (a commit message, a vendor's answer) is fenced so it never runs as a command. */
  override info(line: string): void {
    const text = this.redactor.redact(line);
    if (!COMMAND_LIKE.test(text)) return info(text);
    const token = tokenNotIn(text);
    info(`::stop-commands::${token}`);
    info(text);
    info(`::${token}::`);
  }

  override warning(line: string): void {
    warning(this.redactor.redact(line));
  }

  override error(line: string): void {
    error(this.redactor.redact(line));
  }

  override debug(line: string): void {
    debug(this.redactor.redact(line));
  }

  override mask(values: readonly string[]): void {
    // Unredacted on purpose: the runner needs the value itself to hide it. It matches a value
    // line by line, so each line of a multi-line secret is registered too.
    const masks = new Set<string>();
    for (const value of values) {
      if (value.trim() === '') continue;
      masks.add(value);
      if (!/[\r\n]/.test(value)) continue;
      for (const line of value.split(/\r?\n|\r/)) if (line.trim().length >= MIN_MASKED_LINE) masks.add(line.trim());
    }
    for (const mask of masks) setSecret(mask);
  }

  /**
   * Written as core's `setOutput` writes it: a heredoc with a random delimiter the value cannot
   * hold. Values arrive redacted (JSON value by value, so that it stays valid JSON).
   */
  override setOutput(name: string, value: string): void {
    const file = this.env.GITHUB_OUTPUT;
    if (!file) return;
    const text = value;
    const delimiter = `ghadelimiter_${tokenNotIn(name, text)}`;
    appendFileSync(file, `${name}<<${delimiter}\n${text}\n${delimiter}\n`, 'utf8');
  }

  override appendSummary(markdown: string): void {
    const file = this.env.GITHUB_STEP_SUMMARY;
    if (file) appendFileSync(file, this.redactor.redact(markdown), 'utf8');
  }
}
