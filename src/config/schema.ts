import { z } from 'zod';

// One parse per run: compiling fast parsers (zod's JIT) costs more than it saves.
z.config({ jitless: true });
import { splitList } from '../lists.js';
import { STATUS_WORDS, ZADIG_STATUSES, toZadigStatus } from '../status.js';
import { didYouMean } from './suggest.js';

export const TARGET_TYPES = [
  'feishu',
  'feishu-app',
  'dingtalk',
  'wecom',
  'teams',
  'slack',
  'discord',
  'email',
  'webhook',
] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

export const EVENTS = ['created', 'passed', 'failed', 'timeout', 'cancelled', 'wait_for_approval', 'changed'] as const;
export type NotifyEvent = (typeof EVENTS)[number];
const EVENT_WORDS = [...EVENTS, 'always'] as const;
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

export const RECEIVE_ID_TYPES = ['chat_id', 'open_id', 'user_id', 'union_id', 'email'] as const;

const text = z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string({ error: 'expected text' }));

const list = z.preprocess((v) => splitList(v), z.array(z.string()));

const bool = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return v;
    const word = v.trim().toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(word)) return true;
    if (['false', 'no', 'off', '0'].includes(word)) return false;
    return v;
  },
  z.boolean({ error: 'expected true or false' }),
);

const toNumber = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v);

const events = z.preprocess(
  (v) =>
    splitList(v).map((word) => {
      const key = word.toLowerCase().replace(/[\s-]+/g, '_');
      return EVENT_ALIASES[key] ?? key;
    }),
  z.array(
    z.enum(EVENT_WORDS, {
      error: (issue) =>
        `unknown event "${String(issue.input)}": expected one of ${EVENT_WORDS.join(', ')}${didYouMean(String(issue.input), EVENT_WORDS)}`,
    }),
  ),
);

const language = z.preprocess(
  (v) => (typeof v === 'string' && /^zh([-_]cn)?$/i.test(v.trim()) ? 'zh-CN' : typeof v === 'string' ? v.trim() : v),
  z.enum(LANGUAGES, { error: `expected one of ${LANGUAGES.join(', ')}` }),
);

const status = z.preprocess(
  (v) => (typeof v === 'string' ? (toZadigStatus(v) ?? v) : v),
  z.enum(ZADIG_STATUSES, {
    error: (issue) =>
      `unknown status "${String(issue.input)}": expected one of ${ZADIG_STATUSES.join(', ')} (or a GitHub/GitLab word: success, failure, canceled, timed_out, …)${didYouMean(String(issue.input), STATUS_WORDS)}`,
  }),
);

const enumOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, {
    error: (issue) => `expected one of ${values.join(', ')}${didYouMean(String(issue.input), values)}`,
  });

const seconds = z.preprocess(
  toNumber,
  z
    .number({ error: 'expected a number of seconds' })
    .positive('must be more than 0')
    .max(300, 'must be at most 300 seconds'),
);

const retryCount = z.preprocess(
  toNumber,
  z
    .number({ error: 'expected a whole number from 0 to 10' })
    .int('expected a whole number from 0 to 10')
    .min(0, 'expected a whole number from 0 to 10')
    .max(10, 'expected a whole number from 0 to 10'),
);

/**
 * What a config file may hold where a value is read leniently (a list as one string, a number
 * as text): the JSON Schema shapes that replace the parsed ones (see json-schema.ts).
 */
export const INPUT_SHAPES = new Map<z.ZodType, Record<string, unknown>>([
  [text, { type: ['string', 'number'] }],
  [list, { anyOf: [{ type: 'string' }, { type: 'array', items: { type: ['string', 'number'] } }] }],
  [
    bool,
    { anyOf: [{ type: 'boolean' }, { type: 'string', enum: ['true', 'false', 'yes', 'no', 'on', 'off', '1', '0'] }] },
  ],
  [
    events,
    {
      anyOf: [
        { type: 'string' },
        { type: 'array', items: { type: 'string', enum: [...EVENT_WORDS, ...Object.keys(EVENT_ALIASES)] } },
      ],
    },
  ],
  [language, { type: 'string', enum: [...LANGUAGES, 'zh', 'zh_CN', 'zh-cn'] }],
  [status, { type: 'string', enum: [...new Set([...ZADIG_STATUSES, ...STATUS_WORDS])] }],
  [seconds, { type: ['number', 'string'], exclusiveMinimum: 0, maximum: 300 }],
  [retryCount, { type: ['integer', 'string'], minimum: 0, maximum: 10 }],
]);

export const memberSchema = z.strictObject({
  name: text.optional(),
  email: text.optional(),
  mobile: text.optional(),
  feishu: text.optional(),
  dingtalk: text.optional(),
  wecom: text.optional(),
  slack: text.optional(),
  discord: text.optional(),
  teams: text.optional(),
});
export type Member = z.infer<typeof memberSchema>;

const needsSchema = z.record(z.string(), z.looseObject({ result: z.string().optional() }), {
  error: 'expected the JSON of `toJSON(needs)`: an object of job names to { result }',
});

/** Fields every target has (and that may be set once at the top level for all targets). */
const sharedTargetFields = {
  at: list.optional(),
  events: events.optional(),
  branches: list.optional(),
  title: text.optional(),
  message: text.optional(),
  language: language.optional(),
};

export const targetSchema = z.strictObject({
  name: text.pipe(z.string().min(1, 'must not be empty')).optional(),
  type: enumOf(TARGET_TYPES),
  webhook: text.optional(),
  secret: text.optional(),
  'at-all': bool.optional(),
  keyword: text.optional(),
  method: z
    .preprocess((v) => (typeof v === 'string' ? v.trim().toUpperCase() : v), enumOf(['POST', 'PUT', 'PATCH']))
    .optional(),
  headers: z.record(z.string(), text).optional(),
  body: text.optional(),
  'msg-key': text.optional(),
  'app-id': text.optional(),
  'app-secret': text.optional(),
  'receive-id-type': enumOf(RECEIVE_ID_TYPES).optional(),
  receivers: list.optional(),
  domain: text.optional(),
  smtp: text.optional(),
  from: text.optional(),
  to: list.optional(),
  ...sharedTargetFields,
});
export type TargetInput = z.infer<typeof targetSchema>;

/** Everything a user can set: the inputs of SPEC §2 plus `targets` and `members`. */
export const settingsSchema = z.strictObject({
  type: enumOf(TARGET_TYPES).optional(),
  webhook: text.optional(),
  secret: text.optional(),
  targets: z.array(targetSchema, { error: 'expected a list of targets' }).optional(),
  config: text.optional(),
  status: status.optional(),
  needs: needsSchema.optional(),
  'github-token': text.optional(),
  'gitlab-token': text.optional(),
  members: z.record(z.string(), memberSchema, { error: 'expected a map of logins to members' }).optional(),
  'timeout-seconds': seconds.optional(),
  retries: retryCount.optional(),
  'fail-on-error': bool.optional(),
  'dry-run': bool.optional(),
  ...sharedTargetFields,
});
export type SettingsInput = z.infer<typeof settingsSchema>;

/** Input names as a user writes them (action.yml, NOTIFY_*, --flags). */
export const INPUT_NAMES = Object.keys(settingsSchema.shape);
export const TARGET_KEYS = Object.keys(targetSchema.shape);
export const MEMBER_KEYS = Object.keys(memberSchema.shape);
