import { unixSeconds } from '../time.js';
import type { PipelineContext } from './types.js';

type Env = Readonly<Record<string, string | undefined>>;

/** GitLab from its predefined variables alone: one stage holding the current job (SPEC §9.6). */
export function readGitLabEnvContext(env: Env): PipelineContext {
  const server = (env.CI_SERVER_URL || '').replace(/\/+$/, '');
  const path = env.CI_PROJECT_PATH || '';
  const namespace = env.CI_PROJECT_NAMESPACE || path.split('/').slice(0, -1).join('/');
  const sha = env.CI_COMMIT_SHA || '';
  const stage = env.CI_JOB_STAGE || 'notify';
  const jobName = env.CI_JOB_NAME || 'notify';
  const mrIid = Number(env.CI_MERGE_REQUEST_IID || 0);
  return {
    platform: 'gitlab',
    instance: server,
    taskId: Number(env.CI_PIPELINE_IID || 0) || 0,
    projectName: env.CI_PROJECT_NAME || '',
    projectDisplayName: env.CI_PROJECT_TITLE || env.CI_PROJECT_NAME || '',
    workflowName: env.CI_PIPELINE_NAME || path,
    workflowDisplayName: env.CI_PIPELINE_NAME || path,
    detailUrl: env.CI_PIPELINE_URL || '',
    remark: env.CI_MERGE_REQUEST_TITLE || env.CI_COMMIT_TITLE || '',
    creator: { login: env.GITLAB_USER_LOGIN || '', id: env.GITLAB_USER_ID || '', email: env.GITLAB_USER_EMAIL || '' },
    createTime: unixSeconds(env.CI_PIPELINE_CREATED_AT),
    startTime: unixSeconds(env.CI_PIPELINE_CREATED_AT),
    ref: env.CI_COMMIT_REF_NAME || '',
    repo: {
      source: 'gitlab',
      owner: namespace,
      namespace,
      name: env.CI_PROJECT_NAME || '',
      branch: env.CI_COMMIT_BRANCH || env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME || '',
      tag: env.CI_COMMIT_TAG || '',
      sha,
      commitUrl: env.CI_PROJECT_URL && sha ? `${env.CI_PROJECT_URL}/-/commit/${sha}` : '',
      commitMessage: env.CI_COMMIT_MESSAGE || '',
      authorName: (env.CI_COMMIT_AUTHOR || '').replace(/\s*<[^>]*>$/, ''),
      prs: mrIid ? [mrIid] : null,
    },
    stages: [
      {
        name: stage,
        jobs: [
          {
            name: jobName,
            displayName: jobName,
            type: 'gitlab-ci',
            status: 'running',
            startTime: unixSeconds(env.CI_JOB_STARTED_AT),
            endTime: 0,
            error: '',
          },
        ],
      },
    ],
    // The template passes the status as NOTIFY_STATUS (the `status` input); without a token
    // nothing else tells it.
    status: 'created',
    statusSource: 'none',
    unknownStatuses: [],
  };
}
