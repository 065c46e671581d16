// The CI adapter's context reader for the platform the run is on.
import type { Settings } from '../config/load.js';
import { retryPolicy } from '../http.js';
import type { PlatformIO } from '../io/types.js';
import { readGitHubContext } from './github.js';
import { readGitLabContext } from './gitlab.js';
import type { FailedLog } from './logs.js';
import type { LogSource, PipelineContext } from './types.js';

export async function readContext(io: PlatformIO, settings: Settings, cwd: string): Promise<PipelineContext> {
  const context = await readPipeline(io, settings, cwd);
  if (settings.logLines > 0 && context.logSource) context.failedLogs = await readLogs(io, settings, context.logSource);
  else if (settings.logLines > 0 && ['failed', 'timeout'].includes(context.status)) {
    io.warning(
      "log-lines: the failed jobs' logs are read through the CI's API, which this run cannot read (GitHub: github-token with actions: read; GitLab: a read_api token).",
    );
  }
  return context;
}

/** The failed jobs' last log lines (SPEC §12); a log that cannot be read is a warning, never a failure. */
async function readLogs(io: PlatformIO, settings: Settings, source: LogSource): Promise<FailedLog[]> {
  const { failedGitHubJobs, failedGitLabJobs, readFailedLogs } = await import('./logs.js');
  const read = await readFailedLogs(
    source.platform === 'github'
      ? { ...source, jobs: failedGitHubJobs(source.jobs) }
      : { ...source, jobs: failedGitLabJobs(source.jobs) },
    { lines: settings.logLines, secrets: [], policy: policyOf(io, settings) },
  );
  read.warnings.forEach((warning) => io.warning(warning));
  // Every secret the program knows, on top of the token shapes the reader hides itself.
  return read.logs.map((log) => ({ ...log, lines: log.lines.map((line) => io.redactor.redact(line)) }));
}

function policyOf(io: PlatformIO, settings: Settings) {
  return retryPolicy(settings, (text) => io.redactor.redact(text));
}

async function readPipeline(io: PlatformIO, settings: Settings, cwd: string): Promise<PipelineContext> {
  const policy = policyOf(io, settings);
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
