import type { Language } from '../config/schema.js';

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
}

export type Change = 'fixed' | 'broken' | 'still_failing';

const EN: Texts = {
  workflow: 'Workflow',
  status: {
    created: 'started',
    running: 'running',
    passed: 'succeeded',
    failed: 'failed',
    timeout: 'timed out',
    cancelled: 'cancelled',
    wait_for_approval: 'awaiting approval',
    reject: 'rejected',
    skipped: 'skipped',
  },
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
};

const ZH: Texts = {
  workflow: '工作流',
  status: {
    created: '开始执行',
    running: '执行中',
    passed: '执行成功',
    failed: '执行失败',
    timeout: '执行超时',
    cancelled: '执行取消',
    wait_for_approval: '待确认',
    reject: '被拒绝',
    skipped: '已跳过',
  },
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
};

export function texts(language: Language): Texts {
  return language === 'zh-CN' ? ZH : EN;
}
