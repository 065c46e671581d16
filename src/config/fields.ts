// The small vocabulary every setting is declared in: inputs here, target fields in each target's
// own file. From one declaration come the zod/mini parser, the JSON Schema, the help text, and
// whether the value is a credential, so no list elsewhere can forget a field.
import * as z from 'zod/mini';
import { splitList } from '../lists.js';
import { didYouMean } from './suggest.js';

export type FieldKind = 'text' | 'url' | 'list' | 'bool' | 'choice' | 'headers' | 'count';

export interface FieldSpec {
  kind: FieldKind;
  /** One line for the JSON Schema and the help text. */
  description: string;
  /** A credential: masked and redacted wherever it may appear (an address: its secret parts too). */
  secret?: boolean;
  /** The target cannot work without it. */
  required?: boolean;
  /** `choice`: the accepted words. */
  values?: readonly string[];
  /** The value when the config gives none. */
  default?: string;
  /** `url`: the schemes it accepts (default http: and https:). */
  protocols?: readonly string[];
  /** `url`: what to add when the address does not parse (how to write it). */
  hint?: string;
  /** A check of its own, when the config loads: the problem, or undefined when the value is fine. */
  check?: (value: string) => string | undefined;
  /** `count`: the accepted range. */
  min?: number;
  max?: number;
}

export type Fields = Readonly<Record<string, FieldSpec>>;

/** Text as written: a YAML number keeps its digits (the YAML reader hands them over as text). */
const asText = (v: unknown) => (typeof v === 'number' || typeof v === 'bigint' ? String(v) : v);
const trimmed = (v: unknown) => (typeof v === 'string' ? v.trim() : v);

const textSchema = z.pipe(
  z.transform((v: unknown) => trimmed(asText(v))),
  z.string({ error: 'expected text' }),
);

const listSchema = z.pipe(
  z.transform((v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : splitList(v))),
  z.array(z.string(), { error: 'expected a list, or one text separated by ; , or newlines' }),
);

const boolSchema = z.pipe(
  z.transform((v: unknown) => {
    if (typeof v !== 'string') return v;
    const word = v.trim().toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(word)) return true;
    if (['false', 'no', 'off', '0'].includes(word)) return false;
    return v;
  }),
  z.boolean({ error: 'expected true or false' }),
);

/** An address: it must parse, so that nothing fails later on a malformed one. */
function addressSchema(spec: FieldSpec) {
  const protocols = spec.protocols ?? ['http:', 'https:'];
  const expected = `expected an ${protocols.map((p) => `${p}//`).join(' or ')} address`;
  return z.pipe(
    textSchema,
    z.string().check(
      z.superRefine((value, ctx) => {
        // An empty value is left to `required`, which says it better.
        if (value === '') return;
        const url = parseAddress(value);
        const parsed = url && protocols.includes(url.protocol) && url.hostname !== '';
        // Sending decodes the user and password: a stray % there would fail every attempt.
        const problem = !parsed
          ? spec.hint
            ? `${expected}: ${spec.hint}`
            : expected
          : !credentialsDecode(url)
            ? 'the user or password holds a % that is not an escape: write it as %25'
            : spec.check?.(value);
        if (problem) ctx.issues.push({ code: 'custom', input: '***', message: problem });
      }),
    ),
  );
}

function credentialsDecode(url: URL): boolean {
  try {
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
    return true;
  } catch {
    return false;
  }
}

export function parseAddress(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** A header name is an HTTP token; a value is one line of Latin-1 (what HTTP can carry). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const headersSchema = z.pipe(
  z.transform((v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).map(([k, value]) => [k, trimmed(asText(value))]))
      : v,
  ),
  z
    .record(z.string(), z.string({ error: 'expected text' }), { error: 'expected a map of header names to values' })
    .check(
      z.superRefine((headers, ctx) => {
        for (const [name, value] of Object.entries(headers)) {
          if (!HEADER_NAME.test(name)) {
            ctx.issues.push({ code: 'custom', input: name, path: [name], message: 'not a valid header name' });
          } else if (/[\r\n\0]/.test(value) || /[^\t\x20-\xff]/.test(value)) {
            ctx.issues.push({
              code: 'custom',
              input: '***',
              path: [name],
              message: 'a header value must be one line of Latin-1 text',
            });
          }
        }
      }),
    ),
);

function choiceSchema(values: readonly string[]) {
  // Words compare without case: `put` is PUT.
  const canonical = (v: unknown) =>
    typeof v === 'string' ? (values.find((w) => w.toLowerCase() === v.trim().toLowerCase()) ?? v.trim()) : v;
  return z.pipe(
    z.transform(canonical),
    z.enum(values as [string, ...string[]], {
      error: (issue) => `expected one of ${values.join(', ')}${didYouMean(String(issue.input), values)}`,
    }),
  );
}

function countSchema(min: number, max: number) {
  const message = `expected a whole number from ${min} to ${max}`;
  return z.pipe(
    z.transform((v: unknown) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v)),
    z.number({ error: message }).check(z.int({ error: message }), z.gte(min, message), z.lte(max, message)),
  );
}

const cache = new WeakMap<FieldSpec, z.ZodMiniType>();

/** The parser of one field (built once per declaration, and only when used). */
export function zodOf(spec: FieldSpec): z.ZodMiniType {
  let schema = cache.get(spec);
  if (schema) return schema;
  switch (spec.kind) {
    case 'text':
      schema = textSchema;
      break;
    case 'url':
      schema = addressSchema(spec);
      break;
    case 'list':
      schema = listSchema;
      break;
    case 'bool':
      schema = boolSchema;
      break;
    case 'choice':
      schema = choiceSchema(spec.values ?? []);
      break;
    case 'headers':
      schema = headersSchema;
      break;
    case 'count':
      schema = countSchema(spec.min ?? 0, spec.max ?? Number.MAX_SAFE_INTEGER);
      break;
  }
  cache.set(spec, schema);
  return schema;
}

/** What a config file may hold for a field (values are read leniently: a list as one string). */
export function jsonSchemaOf(spec: FieldSpec): Record<string, unknown> {
  const shape: Record<string, unknown> = (() => {
    switch (spec.kind) {
      case 'text':
        return { type: ['string', 'number'] };
      case 'url':
        return {
          type: 'string',
          pattern: `^(${(spec.protocols ?? ['http:', 'https:']).map((p) => `${p}//`).join('|')}|\\$\\{)`,
        };
      case 'list':
        return { anyOf: [{ type: 'string' }, { type: 'array', items: { type: ['string', 'number'] } }] };
      case 'bool':
        return {
          anyOf: [{ type: 'boolean' }, { type: 'string', enum: ['true', 'false', 'yes', 'no', 'on', 'off', '1', '0'] }],
        };
      case 'choice':
        return { type: 'string', enum: [...(spec.values ?? [])] };
      case 'headers':
        return { type: 'object', additionalProperties: { type: ['string', 'number'] } };
      case 'count':
        return { type: ['integer', 'string'], minimum: spec.min ?? 0, maximum: spec.max };
    }
  })();
  return { description: spec.description, ...shape, ...(spec.default !== undefined ? { default: spec.default } : {}) };
}

/** Whether a secret field holds an address (its host stays visible, its credentials do not). */
export function isAddress(spec: FieldSpec): boolean {
  return spec.kind === 'url';
}
