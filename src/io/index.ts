import { Redactor } from '../redact.js';
import { ConsoleIO } from './console.js';
import { GitHubIO } from './github.js';
import { GitLabIO } from './gitlab.js';
import type { Platform, PlatformIO, Write } from './types.js';

export function detectPlatform(env: Readonly<Record<string, string | undefined>>): Platform {
  if (env.GITHUB_ACTIONS === 'true') return 'github';
  if (env.GITLAB_CI === 'true') return 'gitlab';
  return 'local';
}

/** On GitHub the runner's protocol goes to process.stdout (through @actions/core); elsewhere to `write`. */
export function createIO(env: Readonly<Record<string, string | undefined>>, write: Write): PlatformIO {
  const redactor = new Redactor();
  const platform = detectPlatform(env);
  if (platform === 'github') return new GitHubIO(env, redactor);
  if (platform === 'gitlab') return new GitLabIO(env, redactor, write);
  return new ConsoleIO(platform, env, redactor, write);
}
