import { appendFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { ConsoleIO } from './console.js';
import type { Redactor } from '../redact.js';
import type { Write } from './types.js';

// The runner's workflow-command protocol: `::name::data`, with %, CR and LF escaped in data.
function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export class GitHubIO extends ConsoleIO {
  constructor(env: Readonly<Record<string, string | undefined>>, redactor: Redactor, write: Write) {
    super('github', env, redactor, write);
  }

  override get hasOutputs(): boolean {
    return Boolean(this.env.GITHUB_OUTPUT);
  }

  override inputVariable(input: string): string {
    return `INPUT_${input.replace(/ /g, '_').toUpperCase()}`;
  }

  private command(name: string, data: string): void {
    this.write(`::${name}::${escapeData(this.redactor.redact(data))}\n`);
  }

  override warning(line: string): void {
    this.command('warning', line);
  }

  override error(line: string): void {
    this.command('error', line);
  }

  override debug(line: string): void {
    this.command('debug', line);
  }

  override mask(values: readonly string[]): void {
    // Written unredacted on purpose: the runner needs the value itself to hide it.
    for (const value of new Set(values)) {
      if (value.trim() !== '') this.write(`::add-mask::${escapeData(value)}\n`);
    }
  }

  override setOutput(name: string, value: string): void {
    const file = this.env.GITHUB_OUTPUT;
    if (!file) return;
    const delimiter = `ghadelimiter_${randomUUID()}`;
    appendFileSync(file, `${name}<<${delimiter}\n${this.redactor.redact(value)}\n${delimiter}\n`, 'utf8');
  }

  override appendSummary(markdown: string): void {
    const file = this.env.GITHUB_STEP_SUMMARY;
    if (file) appendFileSync(file, this.redactor.redact(markdown), 'utf8');
  }
}
