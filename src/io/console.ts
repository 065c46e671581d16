import type { Redactor } from '../redact.js';
import type { Platform, PlatformIO, Write } from './types.js';

/** Plain lines for GitLab and a terminal: `warning:` / `error:` prefixes, no runner commands. */
export class ConsoleIO implements PlatformIO {
  constructor(
    readonly platform: Platform,
    readonly env: Readonly<Record<string, string | undefined>>,
    readonly redactor: Redactor,
    protected readonly write: Write,
  ) {}

  get hasOutputs(): boolean {
    return false;
  }

  inputVariable(input: string): string {
    return `NOTIFY_${input.toUpperCase().replace(/-/g, '_')}`;
  }

  input(name: string): string | undefined {
    // Trimmed like core.getInput: a secret pasted with a trailing newline is still the secret.
    return this.env[this.inputVariable(name)]?.trim() || undefined;
  }

  protected print(line: string): void {
    this.write(`${this.redactor.redact(line)}\n`);
  }

  info(line: string): void {
    this.print(line);
  }

  warning(line: string): void {
    this.print(`warning: ${line}`);
  }

  error(line: string): void {
    this.print(`error: ${line}`);
  }

  debug(line: string): void {
    if (this.env.RUNNER_DEBUG === '1' || this.env.NOTIFY_DEBUG === 'true' || this.env.CI_DEBUG_TRACE === 'true') {
      this.print(`debug: ${line}`);
    }
  }

  mask(_values: readonly string[]): void {
    // Only GitHub understands `::add-mask::`; printing it elsewhere would show the secret.
  }

  setOutput(_name: string, _value: string): void {}

  appendSummary(_markdown: string): void {}
}
