import type { Language } from '../config/schema.js';
import type { StagesUnavailable } from '../context/types.js';

export interface Texts {
  workflow: string;
  status: Record<string, string>;
  executor: string;
  project: string;
  startTime: string;
  duration: string;
  remark: string;
  stages: string;
  commit: string;
  error: string;
  clickForMore: string;
  truncated: string;
  units: { h: string; m: string; s: string };
  change: Record<Change, string>;
  /** One message line saying why the stages are missing and how to get them. */
  stagesUnavailable: Record<StagesUnavailable, string>;
  /** A test message (SPEC §13): its title for a target, and its body for a project and workflow. */
  testTitle(target: string): string;
  testBody(project: string, workflow: string): string;
  /** The heading of a failed job's last log lines. */
  logOf(job: string, step: string): string;
}

export type Change = 'fixed' | 'broken' | 'still_failing';

/** Status texts without a prototype: a vendor word like `constructor` finds nothing (SPEC §14). */
function statusTexts(entries: Record<string, string>): Record<string, string> {
  return Object.assign(Object.create(null) as Record<string, string>, entries);
}

const EN: Texts = {
  workflow: 'Workflow',
  status: statusTexts({
    created: 'started',
    running: 'running',
    passed: 'succeeded',
    failed: 'failed',
    timeout: 'timed out',
    cancelled: 'cancelled',
    wait_for_approval: 'awaiting approval',
    reject: 'rejected',
    skipped: 'skipped',
  }),
  executor: 'Executor',
  project: 'Project',
  startTime: 'Start time',
  duration: 'Duration',
  remark: 'Remark',
  stages: 'Stages',
  commit: 'Commit',
  error: 'Error',
  clickForMore: 'Click for more information',
  truncated: '…(truncated)',
  units: { h: 'h ', m: 'm ', s: 's' },
  change: { fixed: 'fixed', broken: 'broken', still_failing: 'still failing' },
  stagesUnavailable: {
    'gitlab-token': 'Add a GitLab token with read_api (NOTIFY_GITLAB_TOKEN) to show stages and jobs.',
    'gitlab-api': 'The GitLab API could not be read (the job log says why): stages and jobs are not shown.',
  },
  testTitle: (target) => `[Test] workflow-notify can reach "${target}"`,
  testBody: (project, workflow) =>
    `This is a test message. This target will be notified about workflow ${workflow} of ${project}.`,
  logOf: (job, step) => `Log of ${job}${step ? ` (${step})` : ''}`,
};

const ZH: Texts = {
  workflow: '工作流',
  status: statusTexts({
    created: '开始执行',
    running: '执行中',
    passed: '执行成功',
    failed: '执行失败',
    timeout: '执行超时',
    cancelled: '执行取消',
    wait_for_approval: '待确认',
    reject: '被拒绝',
    skipped: '已跳过',
  }),
  executor: '执行用户',
  project: '项目名称',
  startTime: '开始时间',
  duration: '持续时间',
  remark: '备注',
  stages: '阶段',
  commit: '代码',
  error: '错误',
  clickForMore: '点击查看更多信息',
  truncated: '…(已截断)',
  units: { h: '小时', m: '分', s: '秒' },
  change: { fixed: '已修复', broken: '新失败', still_failing: '仍然失败' },
  stagesUnavailable: {
    'gitlab-token': '添加具有 read_api 权限的 GitLab 令牌（NOTIFY_GITLAB_TOKEN）即可显示阶段和任务。',
    'gitlab-api': '无法读取 GitLab API（原因见作业日志）：未显示阶段和任务。',
  },
  testTitle: (target) => `[测试] workflow-notify 可以送达 "${target}"`,
  testBody: (project, workflow) => `这是一条测试消息。此目标将收到项目 ${project} 的工作流 ${workflow} 的通知。`,
  logOf: (job, step) => `${job}${step ? `（${step}）` : ''} 的日志`,
};

export function texts(language: Language): Texts {
  return language === 'zh-CN' ? ZH : EN;
}

/** A status in words: the language's text for a Zadig status, else the vendor word as it came. */
export function statusText(t: Texts, status: string): string {
  return Object.hasOwn(t.status, status) ? (t.status[status] ?? status) : status;
}
