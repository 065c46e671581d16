import { describe, expect, it } from 'vitest';
import { Redactor, displayUrl } from '../src/redact.js';

describe('displayUrl', () => {
  it.each([
    [
      'https://oapi.dingtalk.com/robot/send?access_token=abc123def456',
      'https://oapi.dingtalk.com/robot/send?access_token=***',
    ],
    [
      'https://hooks.slack.com/services/T0AAA/B0BBB/XyZ0123456789abcdefghij',
      'https://hooks.slack.com/services/T0AAA/B0BBB/***',
    ],
    [
      'https://discord.com/api/webhooks/1234567890123456789/tok-en_ABC123xyz',
      'https://discord.com/api/webhooks/***/***',
    ],
    [
      'https://open.feishu.cn/open-apis/bot/v2/hook/0f5e6a1b-3c2d-4e5f-8a9b-0c1d2e3f4a5b',
      'https://open.feishu.cn/open-apis/bot/v2/hook/***',
    ],
    ['https://user:pa55@example.com/hook', 'https://***@example.com/hook'],
    ['not a url', '***'],
  ])('%s → %s', (url, shown) => {
    expect(displayUrl(url)).toBe(shown);
  });
});

describe('Redactor', () => {
  it('hides a secret as given, URL-encoded and JSON-escaped', () => {
    const redactor = new Redactor();
    redactor.add('s3cr"et/+val');
    expect(redactor.redact('a s3cr"et/+val b')).toBe('a *** b');
    expect(redactor.redact(`a ${encodeURIComponent('s3cr"et/+val')} b`)).toBe('a *** b');
    expect(redactor.redact('a s3cr\\"et/+val b')).toBe('a *** b');
  });

  it('hides the token parts of a webhook address even when they appear alone', () => {
    const redactor = new Redactor();
    redactor.addUrl('https://oapi.dingtalk.com/robot/send?access_token=tok3n5ecret');
    expect(redactor.redact('token tok3n5ecret leaked')).toBe('token *** leaked');
    expect(redactor.redact('POST https://oapi.dingtalk.com/robot/send?access_token=tok3n5ecret')).toBe('POST ***');
  });

  it('ignores values too short to be secrets', () => {
    const redactor = new Redactor();
    expect(redactor.add('abc')).toEqual([]);
    expect(redactor.redact('abc')).toBe('abc');
  });

  it('replaces the longer secret first when one contains another', () => {
    const redactor = new Redactor();
    redactor.add('secret');
    redactor.add('secret-and-more');
    expect(redactor.redact('x secret-and-more y secret')).toBe('x *** y ***');
  });
});
