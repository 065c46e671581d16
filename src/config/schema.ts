// The inputs of SPEC §2 and the fields every target has, declared once. Each target type's own
// fields live in its file under src/targets/; the parsers of a type are built only when a config
// uses it.
import * as z from 'zod/mini';
import { STATUS_WORDS, ZADIG_STATUSES, toZadigStatus } from '../status.js';
import { isTimeZone } from '../time.js';
import { TARGETS, TARGET_TYPES } from '../targets/index.js';
import { jsonSchemaOf, zodOf, type FieldSpec, type Fields } from './fields.js';
import { didYouMean } from './suggest.js';
import { splitList } from '../lists.js';

// One parse per run: compiling fast parsers (zod's JIT) costs more than it saves.
z.config({ jitless: true });

export { TARGET_TYPES };
export type TargetType = string;

export const EVENTS = ['created', 'passed', 'failed', 'timeout', 'cancelled', 'wait_for_approval', 'changed'] as const;
export type NotifyEvent = (typeof EVENTS)[number];
export const EVENT_WORDS = [...EVENTS, 'always'] as const;
export type EventSelector = (typeof EVENT_WORDS)[number];

/** Events sent when a target names none: every status event except `changed`. */
export const DEFAULT_EVENTS: readonly EventSelector[] = EVENTS.filter((e) => e !== 'changed');

const EVENT_ALIASES: Record<string, EventSelector> = {
  started: 'created',
  start: 'created',
  success: 'passed',
  succeeded: 'passed',
  failure: 'failed',
  fail: 'failed',
  reject: 'failed',
  timed_out: 'timeout',
  canceled: 'cancelled',
  cancel: 'cancelled',
  waiting: 'wait_for_approval',
  approval: 'wait_for_approval',
  manual: 'wait_for_approval',
  change: 'changed',
  all: 'always',
};

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Member fields every vendor can use; each target adds the field that holds its own user id. */
const MEMBER_CONTACTS = ['name', 'email', 'mobile'] as const;
export type Member = Partial<Record<string, string>>;

export const MEMBER_KEYS: readonly string[] = [
  ...MEMBER_CONTACTS,
  ...new Set(Object.values(TARGETS).flatMap((t) => (t.mentions ? [t.mentions.field] : []))),
];

const hasOwn = (table: object, key: string) => Object.hasOwn(table, key);

const eventsSchema = z.pipe(
  z.transform((v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? v
      : splitList(v).map((word) => {
          const key = word.toLowerCase().replace(/[\s-]+/g, '_');
          return hasOwn(EVENT_ALIASES, key) ? EVENT_ALIASES[key] : key;
        }),
  ),
  z.array(
    z.enum(EVENT_WORDS, {
      error: (issue) =>
        `unknown event "${String(issue.input)}": expected one of ${EVENT_WORDS.join(', ')}${didYouMean(String(issue.input), EVENT_WORDS)}`,
    }),
    { error: 'expected a list of events' },
  ),
);

const languageSchema = z.pipe(
  z.transform((v: unknown) =>
    typeof v === 'string' && /^zh([-_]cn)?$/i.test(v.trim()) ? 'zh-CN' : typeof v === 'string' ? v.trim() : v,
  ),
  z.enum(LANGUAGES, { error: `expected one of ${LANGUAGES.join(', ')}` }),
);

const statusSchema = z.pipe(
  z.transform((v: unknown) => (typeof v === 'string' ? (toZadigStatus(v) ?? v.trim()) : v)),
  z.enum(ZADIG_STATUSES, {
    error: (issue) =>
      `unknown status "${String(issue.input)}": expected one of ${ZADIG_STATUSES.join(', ')} (or a GitHub/GitLab word: success, failure, canceled, timed_out, …)${didYouMean(String(issue.input), STATUS_WORDS)}`,
  }),
);

const secondsSchema = z.pipe(
  z.transform((v: unknown) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v)),
  z
    .number({ error: 'expected a number of seconds' })
    .check(z.positive('must be more than 0'), z.lte(300, 'must be at most 300 seconds')),
);

const timeZoneSchema = z.pipe(
  z.transform(trim),
  z.string({ error: 'expected an IANA time zone name' }).check(
    z.refine(isTimeZone, {
      error: (issue) =>
        `unknown time zone "${String(issue.input)}": expected an IANA name such as UTC or Asia/Shanghai`,
    }),
  ),
);

function trim(v: unknown): unknown {
  return typeof v === 'string' ? v.trim() : v;
}

const needsSchema = z.record(z.string(), z.looseObject({ result: z.optional(z.string()) }), {
  error: 'expected the JSON of `toJSON(needs)`: an object of job names to { result }',
});

/** An input: its parser, its JSON Schema, its description, whether it is a credential. */
interface InputSpec {
  description: string;
  schema: z.ZodMiniType;
  json: Record<string, unknown>;
  secret?: boolean;
  /** Set once for every target (top level) and per target. */
  perTarget?: boolean;
}

const field = (spec: FieldSpec, perTarget = false): InputSpec => ({
  description: spec.description,
  schema: zodOf(spec),
  json: jsonSchemaOf(spec),
  ...(spec.secret ? { secret: true } : {}),
  ...(perTarget ? { perTarget } : {}),
});

const custom = (
  description: string,
  schema: z.ZodMiniType,
  json: Record<string, unknown>,
  perTarget = false,
): InputSpec => ({ description, schema, json: { description, ...json }, ...(perTarget ? { perTarget } : {}) });

const TYPE_DESCRIPTION = 'Target type';

/** Every input a user can set (SPEC §2), in the order the help text lists them. */
export const INPUTS: Readonly<Record<string, InputSpec>> = {
  type: custom(`${TYPE_DESCRIPTION} of the single target.`, z.string(), { type: 'string', enum: [...TARGET_TYPES] }),
  webhook: field({
    kind: 'text',
    secret: true,
    description: 'The webhook address of the single target (a credential).',
  }),
  secret: field({
    kind: 'text',
    secret: true,
    description:
      "The single target's signing secret (for webhook: X-Zadig-Token and the key of X-Zadig-Signature-256).",
  }),
  at: field(
    {
      kind: 'list',
      description:
        'Members to mention: all, $creator, $<login>, ids, mobiles, emails; a list or one text separated by ; , or newlines.',
    },
    true,
  ),
  events: custom(
    'Events to notify on: created, passed, failed, timeout, cancelled, wait_for_approval, changed, always.',
    eventsSchema,
    {
      anyOf: [
        { type: 'string' },
        { type: 'array', items: { type: 'string', enum: [...EVENT_WORDS, ...Object.keys(EVENT_ALIASES)] } },
      ],
    },
    true,
  ),
  targets: custom(
    'Many targets, each with its own fields.',
    z.array(z.unknown(), { error: 'expected a list of targets' }),
    {
      type: 'array',
    },
  ),
  config: field({ kind: 'text', description: 'Path to a YAML config file.' }),
  status: custom('The status to report instead of the computed one.', statusSchema, {
    type: 'string',
    enum: [...new Set([...ZADIG_STATUSES, ...STATUS_WORDS])],
  }),
  needs: custom('The JSON of toJSON(needs): job results when the API cannot be read.', needsSchema, { type: 'object' }),
  'github-token': field({ kind: 'text', secret: true, description: 'Token for the GitHub API (actions: read).' }),
  'gitlab-token': field({
    kind: 'text',
    secret: true,
    description: 'Token for the GitLab API (read_api); env fallback GITLAB_TOKEN.',
  }),
  title: field({ kind: 'text', description: 'Handlebars template replacing the default title.' }, true),
  message: field(
    { kind: 'text', description: 'Handlebars template replacing the default body; events then default to always.' },
    true,
  ),
  language: custom(
    'Language of the default messages: en or zh-CN.',
    languageSchema,
    {
      type: 'string',
      enum: [...LANGUAGES, 'zh', 'zh_CN', 'zh-cn'],
    },
    true,
  ),
  members: custom(
    'Logins to names, emails, mobiles and vendor ids, for $creator, $committers and $<login>.',
    z.record(z.string(), z.unknown(), { error: 'expected a map of logins to members' }),
    { type: 'object' },
  ),
  branches: field({ kind: 'list', description: 'Globs of refs to notify for (main;release/*); !x excludes.' }, true),
  'timeout-seconds': custom('Time limit of one request attempt, in seconds (default 10).', secondsSchema, {
    type: ['number', 'string'],
    exclusiveMinimum: 0,
    maximum: 300,
  }),
  retries: field({
    kind: 'count',
    min: 0,
    max: 10,
    description: 'Extra attempts after a retryable failure (default 2).',
  }),
  'fail-on-error': field({ kind: 'bool', description: 'Fail (exit 1) when a delivery fails (default false: warn).' }),
  'dry-run': field({ kind: 'bool', description: 'Print every request, redacted, and send nothing.' }),
  timezone: custom('IANA time zone of the times in messages (default UTC).', timeZoneSchema, { type: 'string' }),
  'message-refs': field({
    kind: 'text',
    description: 'The message-refs output of an earlier notification of this run: update those messages.',
  }),
  'log-lines': field({
    kind: 'count',
    min: 0,
    max: 200,
    description: "For failed jobs, the last N lines of the failed step's log (0-200, default 0).",
  }),
  test: field({
    kind: 'bool',
    description: 'Send a test message to every target, whatever its events and branches.',
  }),
};

/** Input names as a user writes them (action.yml, NOTIFY_*, --flags). */
export const INPUT_NAMES = Object.keys(INPUTS);

/** Fields every target has: its name, and the inputs that can be set per target. */
export const COMMON_TARGET_FIELDS: Readonly<Record<string, InputSpec>> = {
  name: custom(
    'Label in logs, outputs and the summary (default <type>#<index>).',
    z.pipe(
      textOnly(),
      z.string().check(
        z.minLength(1, 'must not be empty'),
        z.refine((v) => !/[\r\n\0]/.test(v), 'must be one line'),
      ),
    ),
    { type: ['string', 'number'] },
  ),
  type: custom(TYPE_DESCRIPTION, z.string(), { type: 'string' }),
  'at-all': field({ kind: 'bool', description: 'Mention everyone (the same as "all" in at).' }),
  ...Object.fromEntries(Object.entries(INPUTS).filter(([, spec]) => spec.perTarget)),
};

function textOnly() {
  return z.pipe(
    z.transform((v: unknown) => (typeof v === 'number' ? String(v) : trim(v))),
    z.string({ error: 'expected text' }),
  );
}

export const SETTINGS_SCHEMA = z.strictObject(
  Object.fromEntries(Object.entries(INPUTS).map(([name, spec]) => [name, z.optional(spec.schema)])),
);

const targetSchemas = new Map<string, z.ZodMiniType>();

/** The parser of one target type: the common fields plus its own (built once, when used). */
export function targetSchema(type: string): z.ZodMiniType {
  let schema = targetSchemas.get(type);
  if (!schema) {
    const own: Fields = TARGETS[type]?.fields ?? {};
    schema = z.strictObject({
      ...Object.fromEntries(
        Object.entries(COMMON_TARGET_FIELDS).map(([name, spec]) => [name, z.optional(spec.schema)]),
      ),
      ...Object.fromEntries(Object.entries(own).map(([name, spec]) => [name, z.optional(zodOf(spec))])),
    });
    targetSchemas.set(type, schema);
  }
  return schema;
}

/** The types whose targets accept `field`. */
export function typesWithField(field: string): string[] {
  return TARGET_TYPES.filter((type) => Object.hasOwn(TARGETS[type]?.fields ?? {}, field));
}

export const memberSchema = z.strictObject(
  Object.fromEntries(MEMBER_KEYS.map((key) => [key, z.optional(zodOf({ kind: 'text', description: key }))])),
);

/** Every field name any target accepts. */
export function targetKeys(): string[] {
  return [
    ...new Set([...Object.keys(COMMON_TARGET_FIELDS), ...Object.values(TARGETS).flatMap((t) => Object.keys(t.fields))]),
  ];
}
