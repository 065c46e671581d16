import { describe, expect, it } from 'vitest';
import { texts, statusText } from '../src/message/i18n.js';
import { isFinished, rollUpJobs, rollUpStatus, toZadigStatus, vendorStatus } from '../src/status.js';

const INHERITED = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

describe('status words are looked up in own-property tables only', () => {
  it.each(INHERITED)('%s is an unknown word, kept as written', (word) => {
    expect(toZadigStatus(word)).toBeUndefined();
    expect(vendorStatus(word)).toBe(word);
    expect(statusText(texts('en'), word)).toBe(word);
    expect(texts('zh-CN').status[word]).toBeUndefined();
    expect(isFinished(word)).toBe(false);
    expect(rollUpStatus(['passed', word])).toBe('running');
  });

  it('reads a value that is not a string as no word at all', () => {
    expect(toZadigStatus(42)).toBeUndefined();
    expect(toZadigStatus(null)).toBeUndefined();
    expect(vendorStatus({ status: 'success' })).toBe('');
  });
});

describe('skipped work', () => {
  it.each([
    [['failed', 'skipped'], 'failed'],
    [['passed', 'skipped'], 'passed'],
    [['skipped', 'skipped'], 'skipped'],
    [['skipped'], 'skipped'],
    [['created', 'skipped'], 'created'],
    [['passed', 'running', 'skipped'], 'running'],
    [['cancelled', 'skipped'], 'cancelled'],
    [[], 'created'],
  ])('rolls %j up to %s', (statuses, expected) => {
    expect(rollUpStatus(statuses)).toBe(expected);
  });

  it('is shown as skipped in both languages', () => {
    expect(statusText(texts('en'), 'skipped')).toBe('skipped');
    expect(statusText(texts('zh-CN'), 'skipped')).toBe('已跳过');
  });
});

describe('rollUpJobs', () => {
  it('counts an allowed failure or timeout as passed, and a plain one as what it is', () => {
    expect(rollUpJobs([{ status: 'passed' }, { status: 'failed', allowFailure: true }])).toBe('passed');
    expect(rollUpJobs([{ status: 'passed' }, { status: 'timeout', allowFailure: true }])).toBe('passed');
    expect(rollUpJobs([{ status: 'passed' }, { status: 'timeout' }])).toBe('timeout');
    expect(rollUpJobs([{ status: 'skipped' }, { status: 'failed', allowFailure: true }])).toBe('passed');
  });
});

describe('the stages-unavailable line', () => {
  it('says in both languages how to get stages on GitLab', () => {
    expect(texts('en').stagesUnavailable['gitlab-token']).toBe(
      'Add a GitLab token with read_api (NOTIFY_GITLAB_TOKEN) to show stages and jobs.',
    );
    expect(texts('zh-CN').stagesUnavailable['gitlab-token']).toBe(
      '添加具有 read_api 权限的 GitLab 令牌（NOTIFY_GITLAB_TOKEN）即可显示阶段和任务。',
    );
    expect(texts('en').stagesUnavailable['gitlab-api']).toMatch(/^The GitLab API could not be read/);
  });
});
