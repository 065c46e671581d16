// The CI adapter's context reader for the platform the run is on.
import type { Settings } from '../config/load.js';
import type { PlatformIO } from '../io/types.js';
import { readGitHubContext } from './github.js';
import { readGitLabContext } from './gitlab.js';
import type { PipelineContext } from './types.js';

export async function readContext(io: PlatformIO, settings: Settings, cwd: string): Promise<PipelineContext> {
  const policy = {
    retries: settings.retries,
    timeoutMs: settings.timeoutSeconds * 1000,
    redact: (text: string) => io.redactor.redact(text),
  };
  // The previous run decides `changed` and the message's "fixed" / "broken" / "still failing".
  if (io.platform === 'github') {
    return readGitHubContext(io.env, {
      token: settings.githubToken,
      needs: settings.needs,
      policy,
      io,
      previous: true,
    });
  }
  if (io.platform === 'gitlab')
    return readGitLabContext(io.env, { token: settings.gitlabToken, policy, io, previous: true });
  // git (child_process) is only needed in a terminal.
  const { readLocalContext } = await import('./local.js');
  return readLocalContext(cwd, io.env);
}
