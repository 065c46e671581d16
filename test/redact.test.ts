import { describe, expect, it } from 'vitest';
import { Redactor, displayUrl, isShortSecret } from '../src/redact.js';

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

  it('hides a secret shorter than 4 characters only where it stands alone, and returns no mask form for it', () => {
    const redactor = new Redactor();
    expect(redactor.add('abc')).toEqual([]);
    expect(isShortSecret('abc')).toBe(true);
    expect(isShortSecret(' abcd ')).toBe(false);
    expect(isShortSecret('')).toBe(false);
    expect(redactor.redact('abc')).toBe('***');
    expect(redactor.redact('key=abc, "abc" (abc)')).toBe('key=***, "***" (***)');
    expect(redactor.redact('abcdef xabc abc1 a.abc abc-d abc@x abc/x')).toBe(
      'abcdef xabc abc1 a.abc abc-d abc@x abc/x',
    );
    expect(redactor.redactJson({ token: 'abc', note: 'the abcs' })).toEqual({ token: '***', note: 'the abcs' });
  });

  it('hides numbers: a number secret as text, and a JSON number holding a secret', () => {
    const redactor = new Redactor();
    redactor.add(20240611);
    expect(redactor.redact('secret 20240611 and 120240611')).toBe('secret *** and 1***');
    expect(redactor.redactJson({ id: 20240611, n: 7, s: '20240611' })).toEqual({ id: '***', n: 7, s: '***' });
  });

  it('hides surrounding-whitespace variants and each line of a multi-line secret', () => {
    const redactor = new Redactor();
    redactor.add('first-line\r\nsecond-line\n');
    expect(redactor.redact('a first-line b second-line c')).toBe('a *** b *** c');
    expect(redactor.redact('x first-line\r\nsecond-line y')).toBe('x *** y');
  });

  const secret = 'pä55/wörd+"x"&y é';
  it.each([
    ['raw', secret],
    ['encodeURIComponent', encodeURIComponent(secret)],
    ['lower-case percent-encoding', encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())],
    ['encodeURI', encodeURI(secret)],
    ['form encoding (+ for space)', new URLSearchParams({ v: secret }).toString().slice(2)],
    ['JSON', JSON.stringify(secret).slice(1, -1)],
    ['JSON, ASCII only', '' + String.raw`p\u00e455\/w\u00f6rd+\"x\"&y \u00e9`.replaceAll('\\/', '/')],
    ['JSON, slashes escaped', JSON.stringify(secret).slice(1, -1).replaceAll('/', '\\/')],
    ['HTML', 'pä55/wörd+&quot;x&quot;&amp;y é'],
    ['base64', Buffer.from(secret).toString('base64')],
    ['base64url', Buffer.from(secret).toString('base64url')],
  ])('hides the %s form', (_, form) => {
    const redactor = new Redactor();
    redactor.add(secret);
    expect(redactor.redact(`before ${form} after`)).toBe('before *** after');
  });

  it('hides Basic credentials: the password, user:pass and its base64, but not the user name alone', () => {
    const redactor = new Redactor();
    const masks = redactor.addBasic('robot-user', 'pa55word');
    const token = Buffer.from('robot-user:pa55word').toString('base64');
    expect(redactor.redact(`Authorization: Basic ${token}`)).toBe('Authorization: Basic ***');
    expect(redactor.redact('login robot-user:pa55word')).toBe('login ***');
    // A user name is no credential (hiding "hook" would print "web***"); no NUL goes to a mask.
    expect(redactor.redact('user robot-user pass pa55word')).toBe('user robot-user pass ***');
    expect(masks.some((mask) => mask.includes('\0'))).toBe(false);
    expect(redactor.redact(Buffer.from('\0robot-user\0pa55word').toString('base64'))).toBe('***');
  });

  it('hides the credentials of a URL, including the Basic token they make', () => {
    const redactor = new Redactor();
    redactor.addUrl('smtp://mailer:p%25ss%23w0rd@smtp.example.com:587');
    const basic = Buffer.from('mailer:p%ss#w0rd').toString('base64');
    const plain = Buffer.from('\0mailer\0p%ss#w0rd').toString('base64');
    const login = Buffer.from('p%ss#w0rd').toString('base64');
    expect(redactor.redact(`AUTH PLAIN ${plain} ${login} ${basic} p%ss#w0rd p%25ss%23w0rd`)).toBe(
      'AUTH PLAIN *** *** *** *** ***',
    );
  });

  it('never splits a surrogate pair', () => {
    const redactor = new Redactor();
    redactor.add('\udc00abc');
    redactor.add('xyz\ud83d');
    expect(redactor.redact('a\ud83d\udc00abc b')).toBe('a*** b');
    expect(redactor.redact('xyz\ud83d\ude00 c')).toBe('*** c');
  });

  it('leaves no secret that a replacement joined back together', () => {
    const redactor = new Redactor();
    redactor.add('a***');
    expect(redactor.redact('aa***')).toBe('***');
  });

  it('keeps JSON valid whatever the secret: true, null, a quote, a key', () => {
    const redactor = new Redactor();
    redactor.add('true');
    redactor.add('null');
    redactor.add('","');
    redactor.add('hidden-key');
    const value = { ok: true, error: null, text: 'true or null: "," ', 'hidden-key': 1 };
    const redacted = redactor.redactJson(value);
    expect(redacted).toEqual({ ok: true, error: null, text: '*** or ***: *** ', '***': 1 });
    expect(JSON.parse(JSON.stringify(redacted))).toEqual(redacted);
  });

  it('replaces the longer secret first when one contains another', () => {
    const redactor = new Redactor();
    redactor.add('secret');
    redactor.add('secret-and-more');
    expect(redactor.redact('x secret-and-more y secret')).toBe('x *** y ***');
  });
});
