// Property tests for redaction: any secret, echoed by a vendor in any encoding, never survives,
// and redacted JSON stays valid JSON.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_SECRET_LENGTH, Redactor } from '../src/redact.js';

const RUNS = { numRuns: 300 };
/** No lone surrogate: the text survives a round trip through UTF-8. */
const isWellFormed = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s;

/** Any secret: random text of every kind, and the values that break naive redaction. */
const anySecret = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
  fc.string({ unit: fc.constantFrom(...'aA0 +/%&"\'\\\n=:*.'), minLength: 1, maxLength: 12 }),
  fc.integer({ min: 0 }).map(String),
  fc.constantFrom('true', 'null', 'false', '1', '"', '","', 'a***', '****', '\\u0022', '%', 'ab'),
);

/** The ways a vendor may echo a value; undefined when the value has no such form. */
const ENCODINGS: Record<string, (value: string) => string | undefined> = {
  raw: (v) => v,
  uri: (v) => (isWellFormed(v) ? encodeURIComponent(v) : undefined),
  uriLower: (v) =>
    isWellFormed(v) ? encodeURIComponent(v).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()) : undefined,
  form: (v) => (isWellFormed(v) ? new URLSearchParams({ k: v }).toString().slice(2) : undefined),
  json: (v) => JSON.stringify(v).slice(1, -1),
  jsonAscii: (v) =>
    JSON.stringify(v)
      .slice(1, -1)
      .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  jsonSlash: (v) => JSON.stringify(v).slice(1, -1).replaceAll('/', '\\/'),
  base64: (v) => Buffer.from(v).toString('base64'),
  base64url: (v) => Buffer.from(v).toString('base64url'),
};

/** Answers in the shapes vendors give, with the echoed value inside. */
const VENDOR_ANSWERS = [
  (echo: string) => `{"errcode":310000,"errmsg":"sign not match, token ${echo}"}`,
  (echo: string) => `{"code":19001,"msg":"param invalid: incoming webhook access token invalid: ${echo}"}`,
  (echo: string) => `<html><body><h1>401</h1><p>${echo}</p></body></html>`,
  (echo: string) => `Bad Request: Authorization header "Bearer ${echo}" is invalid`,
  (echo: string) => `535 5.7.8 Authentication failed: ${echo}\r\n`,
  (echo: string) => echo,
];

describe('redaction properties', () => {
  it('a secret of 4 characters or more never survives, in any encoding, inside any vendor answer', () => {
    fc.assert(
      fc.property(
        anySecret.filter((s) => s.trim().length >= MIN_SECRET_LENGTH),
        fc.constantFrom(...Object.keys(ENCODINGS)),
        fc.constantFrom(...VENDOR_ANSWERS),
        fc.string({ unit: 'binary', maxLength: 20 }),
        fc.string({ unit: 'binary', maxLength: 20 }),
        (secret, encoding, answer, before, after) => {
          const echo = ENCODINGS[encoding]!(secret);
          fc.pre(echo !== undefined);
          const redactor = new Redactor();
          redactor.add(secret);
          const out = redactor.redact(before + answer(echo!) + after);
          expect(out.includes(echo!)).toBe(false);
          expect(out.includes(secret.trim())).toBe(false);
        },
      ),
      RUNS,
    );
  });

  it('user:pass never survives as a Basic or AUTH PLAIN token', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 12 }).filter((u) => !u.includes(':')),
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.constantFrom(...VENDOR_ANSWERS),
        (user, pass, answer) => {
          const redactor = new Redactor();
          redactor.addBasic(user, pass);
          for (const token of [`${user}:${pass}`, `\0${user}\0${pass}`]) {
            const encoded = Buffer.from(token).toString('base64');
            expect(redactor.redact(answer(`Basic ${encoded}`)).includes(encoded)).toBe(false);
          }
        },
      ),
      RUNS,
    );
  });

  it('never splits a surrogate pair of a well-formed text', () => {
    fc.assert(
      fc.property(
        anySecret,
        fc.string({ unit: 'grapheme', maxLength: 30 }),
        fc.string({ unit: 'grapheme', maxLength: 30 }),
        (secret, before, after) => {
          const redactor = new Redactor();
          redactor.add(secret);
          const text = before + secret + after;
          fc.pre(isWellFormed(text));
          expect(isWellFormed(redactor.redact(text))).toBe(true);
          const joined = before + after + '😀' + secret;
          expect(isWellFormed(redactor.redact(joined))).toBe(isWellFormed(joined));
        },
      ),
      RUNS,
    );
  });

  /** Every string (keys and values) and every number written in a JSON value. */
  function leaves(value: unknown): string[] {
    if (typeof value === 'string') return [value];
    if (typeof value === 'number') return [String(value)];
    if (Array.isArray(value)) return value.flatMap(leaves);
    if (value !== null && typeof value === 'object') {
      return Object.entries(value).flatMap(([key, item]) => [key, ...leaves(item)]);
    }
    return [];
  }

  it('redactJson gives valid JSON that holds no secret, whatever the secret', () => {
    const withSecret = (secret: string) =>
      fc.letrec((tie) => ({
        value: fc.oneof(
          { depthSize: 'small' },
          fc.jsonValue({ maxDepth: 1 }),
          fc.constant(secret),
          fc.constant(`error: ${secret}!`),
          fc.array(tie('value'), { maxLength: 4 }),
          fc.dictionary(fc.oneof(fc.string(), fc.constant(secret)), tie('value'), { maxKeys: 4 }),
        ),
      })).value;
    fc.assert(
      fc.property(
        anySecret.chain((secret) => fc.tuple(fc.constant(secret), withSecret(secret))),
        ([secret, value]) => {
          const redactor = new Redactor();
          redactor.add(secret);
          const out = redactor.redactJson(value);
          const text = JSON.stringify(out);
          // Valid JSON that reads back as itself (JSON has no -0, so compare as text).
          expect(JSON.stringify(JSON.parse(text))).toBe(text);
          const hidden = secret.trim();
          if (hidden === '') return;
          for (const leaf of leaves(out)) {
            if (hidden.length >= MIN_SECRET_LENGTH) expect(leaf.includes(hidden)).toBe(false);
            else expect(leaf).not.toBe(hidden);
          }
        },
      ),
      RUNS,
    );
  });
});
