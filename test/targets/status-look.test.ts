// How each status looks, once for all targets: the title's icon, the tone (each target's colour
// follows it), a stage line's icon, and the words in both languages.
import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../src/message/index.js';
import { buildPayload } from '../../src/payload.js';
import { fixtureContext } from '../helpers/fixtures.js';

const STATUSES = [
  'created',
  'running',
  'passed',
  'failed',
  'timeout',
  'cancelled',
  'wait_for_approval',
  'skipped',
  'reject',
];

function look(status: string) {
  const context = fixtureContext({ status });
  context.stages = [
    { name: 'deploy', jobs: [{ ...context.stages[0]!.jobs[0]!, name: 'deploy', displayName: 'deploy', status }] },
  ];
  const payload = buildPayload(context, status, {});
  const options = { timeZone: 'UTC', nowSeconds: 0 };
  const en = buildMessage(payload, { ...options, language: 'en' });
  const zh = buildMessage(payload, { ...options, language: 'zh-CN' });
  return [status, en.title.split(' ')[0], en.tone, en.stages[0]!.icon, en.statusText, zh.statusText];
}

describe('the look of each status', () => {
  it('is one table: title icon, tone, line icon, English and Chinese words', () => {
    expect(STATUSES.map(look)).toEqual([
      ['created', '👍', 'info', '⏳', 'started', '开始执行'],
      ['running', '⚠️', 'info', '⏳', 'running', '执行中'],
      ['passed', '👍', 'success', '✅', 'succeeded', '执行成功'],
      ['failed', '❌', 'failure', '❌', 'failed', '执行失败'],
      ['timeout', '⚠️', 'failure', '⏱️', 'timed out', '执行超时'],
      ['cancelled', '⚠️', 'warning', '⛔', 'cancelled', '执行取消'],
      ['wait_for_approval', '⚠️', 'warning', '⏸️', 'awaiting approval', '待确认'],
      ['skipped', '⚠️', 'info', '⏭️', 'skipped', '已跳过'],
      ['reject', '❌', 'failure', '❌', 'rejected', '被拒绝'],
    ]);
  });
});
