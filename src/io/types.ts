import type { Redactor } from '../redact.js';

export type Platform = 'github' | 'gitlab' | 'local';

/** All platform I/O: what the program prints, masks and outputs. Everything printed is redacted. */
export interface PlatformIO {
  readonly platform: Platform;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly redactor: Redactor;
  /** The env variable (GitHub) or variable/flag name (elsewhere) a user sets for an input. */
  inputVariable(input: string): string;
  /** An input's value, trimmed (GitHub's `INPUT_<NAME>`, else `NOTIFY_<NAME>`); undefined when empty. */
  input(name: string): string | undefined;
  info(line: string): void;
  warning(line: string): void;
  error(line: string): void;
  debug(line: string): void;
  /** Whether outputs go anywhere (GitHub's output file); when not, they are not even built. */
  readonly hasOutputs: boolean;
  /** Tells the platform to hide these values in its own log (GitHub only). */
  mask(values: readonly string[]): void;
  /** An output; the caller redacts it (JSON value by value, so that it stays valid). */
  setOutput(name: string, value: string): void;
  appendSummary(markdown: string): void;
}

export type Write = (text: string) => void;
