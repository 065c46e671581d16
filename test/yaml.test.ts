import { describe, expect, it } from 'vitest';
import { parseYaml } from '../src/config/yaml.js';

describe('parseYaml', () => {
  it('keeps the text of every number as written; booleans and null stay', async () => {
    const source = [
      'ids: [1234567890123456789, 1234567890123456788]',
      'mobile: +8613800000000',
      'zero: 0123',
      'hex: 0x1F',
      'exp: 1e3',
      'date: 20240611',
      'float: 1.50',
      'inf: .inf',
      'neg: -0',
      'tagged: !!int 7',
      'quoted: "0123"',
      'yes: true',
      'no: False',
      'none: null',
      'tilde: ~',
      'empty:',
      '0x10: hex key',
    ].join('\n');
    expect(await parseYaml(source)).toEqual({
      ok: true,
      value: {
        ids: ['1234567890123456789', '1234567890123456788'],
        mobile: '+8613800000000',
        zero: '0123',
        hex: '0x1F',
        exp: '1e3',
        date: '20240611',
        float: '1.50',
        inf: '.inf',
        neg: '-0',
        tagged: '7',
        quoted: '0123',
        yes: true,
        no: false,
        none: null,
        tilde: null,
        empty: null,
        '0x10': 'hex key',
      },
    });
  });

  it('reads an empty source as null', async () => {
    expect(await parseYaml('')).toEqual({ ok: true, value: null });
    expect(await parseYaml('# only a comment\n')).toEqual({ ok: true, value: null });
  });

  it.each([
    ['secret: !vault s3cr3t-value', 'line 1, column 9: an unknown tag (a value starting with "!"): quote the value'],
    [
      'a: 1\nsecret: *s3cr3t-value',
      'line 2, column 9: an alias (a value starting with "*") that names no anchor: quote the value',
    ],
    ['a: 1\na: s3cr3t-value', 'line 2, column 1: a key appears twice in the same map'],
    ['token: "s3cr3t-value', 'line 1, column 21: a quote or bracket is not closed'],
    ['list: [s3cr3t-value', 'line 1, column 20: bad indentation'],
    ['a: 1\n---\nb: s3cr3t-value', 'line 2, column 1: more than one document ("---")'],
    ['secret: @s3cr3t-value', 'line 1, column 9: a value cannot start with this character: quote the value'],
    ['? [s3cr3t-value]\n: x', 'line 1, column 3: a list or map used as a key'],
    ['a:\n\t- s3cr3t-value', 'line 2, column 1: a tab used for indentation: indent with spaces'],
  ])('%j: an error with line and column that never quotes the source', async (source, error) => {
    const result = await parseYaml(source);
    expect(result).toEqual({ ok: false, error });
    expect(JSON.stringify(result)).not.toContain('s3cr3t');
  });

  it('bounds alias expansion', async () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) {
      const prev = String.fromCharCode(97 + i);
      const next = String.fromCharCode(98 + i);
      lines.push(
        `${next}: &${next} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`,
      );
    }
    expect(await parseYaml(lines.join('\n'))).toEqual({ ok: false, error: 'aliases expand more than 100 times' });
    expect(await parseYaml('a: &x [1]\nb: *x')).toEqual({ ok: true, value: { a: ['1'], b: ['1'] } });
  });
});
