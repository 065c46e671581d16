import { execFileSync } from 'node:child_process';
import { basename } from 'node:path';
import { firstLine } from '../time.js';
import type { PipelineContext } from './types.js';

function git(args: string[], cwd: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

/** SPEC §9.17: a terminal or an unknown CI; the context is the git checkout in `cwd`. */
export function readLocalContext(cwd: string, env: Readonly<Record<string, string | undefined>>): PipelineContext {
  const top = git(['rev-parse', '--show-toplevel'], cwd);
  const [sha = '', authorName = '', authorEmail = '', ...message] = git(
    ['log', '-1', '--format=%H%x00%an%x00%ae%x00%B'],
    cwd,
  ).split('\0');
  const commitMessage = message.join('\0').trim();
  const branch = git(['symbolic-ref', '--short', '-q', 'HEAD'], cwd);
  const tag = branch ? '' : git(['describe', '--tags', '--exact-match'], cwd);
  const project = basename(top || cwd);
  const user = env.USER || env.USERNAME || authorName;
  const job = {
    name: 'local',
    displayName: 'local',
    type: 'local',
    status: 'running',
    startTime: 0,
    endTime: 0,
    error: '',
  };
  return {
    platform: 'local',
    instance: '',
    taskId: 0,
    projectName: project,
    projectDisplayName: project,
    workflowName: project,
    workflowDisplayName: project,
    detailUrl: '',
    remark: firstLine(commitMessage),
    creator: { login: user, id: '', email: user === authorName ? authorEmail : '' },
    createTime: 0,
    startTime: 0,
    ref: branch || tag,
    repo: {
      source: 'git',
      owner: '',
      namespace: '',
      name: project,
      branch,
      tag,
      sha,
      commitUrl: '',
      commitMessage,
      authorName,
      prs: null,
    },
    stages: [{ name: 'local', jobs: [job] }],
    status: 'created',
    statusSource: 'none',
    unknownStatuses: [],
    origin: { runId: '', attempt: 0, project, stages: 'git' },
    committers: authorEmail ? [{ login: '', name: authorName, email: authorEmail }] : [],
  };
}
