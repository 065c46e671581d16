import { appendFileSync } from 'node:fs';
import type { Redactor } from '../redact.js';
import { ConsoleIO } from './console.js';
import type { Write } from './types.js';

/** Outputs a GitLab job can hand to later jobs through a dotenv report, as NOTIFY_<NAME>. */
const HANDED_ON = new Set(['message-refs']);

/**
 * GitLab: plain lines (it has no add-mask: printing one would show the secret), and the
 * `message-refs` output written to the dotenv file named by WORKFLOW_NOTIFY_DOTENV, so that the
 * pipeline's last jobs update the messages its first job sent.
 */
export class GitLabIO extends ConsoleIO {
  constructor(env: Readonly<Record<string, string | undefined>>, redactor: Redactor, write: Write) {
    super('gitlab', env, redactor, write);
  }

  override get hasOutputs(): boolean {
    return Boolean(this.env.WORKFLOW_NOTIFY_DOTENV);
  }

  override setOutput(name: string, value: string): void {
    const file = this.env.WORKFLOW_NOTIFY_DOTENV;
    if (!file || !HANDED_ON.has(name) || !value || /[\r\n]/.test(value)) return;
    appendFileSync(file, `${this.inputVariable(name)}=${value}\n`, 'utf8');
  }
}
