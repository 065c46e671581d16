// Inputs → settings: the layers (flags > inputs > config file), `${NAME}` expansion, and one
// validation that reports every problem with its path. Nothing below config/ reads the
// environment or the inputs.
import type * as z from 'zod/mini';
import type { ZadigStatus } from '../status.js';
import { TARGETS } from '../targets/index.js';
import { expandAll, type Unset } from './expand.js';
import { readConfigText } from './file.js';
import { parseYaml, type YamlResult } from './yaml.js';
import { isAddress } from './fields.js';
import {
  COMMON_TARGET_FIELDS,
  DEFAULT_EVENTS,
  INPUTS,
  INPUT_NAMES,
  MEMBER_KEYS,
  SETTINGS_SCHEMA,
  TARGET_TYPES,
  memberSchema,
  targetSchema,
  typesWithField,
  type EventSelector,
  type Language,
  type Member,
} from './schema.js';
import { didYouMean } from './suggest.js';

export interface Target {
  index: number;
  name: string;
  type: string;
  at: string[];
  events: EventSelector[];
  branches: string[];
  title: string | undefined;
  message: string | undefined;
  language: Language;
  /** The type's own fields (SPEC §3), by their config names, defaults applied. */
  options: Record<string, unknown>;
}

export interface Settings {
  targets: Target[];
  status: ZadigStatus | undefined;
  needs: Record<string, { result?: string | undefined }> | undefined;
  githubToken: string;
  gitlabToken: string;
  members: Record<string, Member>;
  language: Language;
  timeZone: string;
  timeoutSeconds: number;
  retries: number;
  failOnError: boolean;
  dryRun: boolean;
  test: boolean;
  messageRefs: string;
  logLines: number;
}

export type LoadResult = { ok: true; settings: Settings } | { ok: false; errors: string[] };

export interface Sources {
  /** The process environment (for `${NAME}` and fallbacks such as GITLAB_TOKEN). */
  env: Readonly<Record<string, string | undefined>>;
  /** Input values set through the platform (INPUT_* on GitHub, NOTIFY_* elsewhere). */
  inputs: Record<string, string>;
  /** Input values given as --flags; these win over everything. */
  flags: Record<string, string>;
  readFile?: (path: string) => string;
}

/** Inputs that hold YAML/JSON when given as a string. */
const STRUCTURED_INPUTS = new Set(['targets', 'members', 'needs']);
/** Pipeline data, never expanded (SPEC §9.2). */
const NOT_EXPANDED = new Set(['needs']);
/** Header values that are never credentials. */
const PLAIN_HEADERS = new Set(['content-type', 'accept', 'user-agent']);

/** Field names that hold credentials, wherever they appear, and whether they are addresses. */
const SECRET_FIELDS: ReadonlyMap<string, 'address' | 'value'> = new Map([
  ...Object.entries(INPUTS)
    .filter(([, spec]) => spec.secret)
    .map(([name]) => [name, name === 'webhook' ? 'address' : 'value'] as const),
  ...Object.values(TARGETS).flatMap((target) =>
    Object.entries(target.fields)
      .filter(([, spec]) => spec.secret)
      .map(([name, spec]) => [name, isAddress(spec) ? 'address' : 'value'] as const),
  ),
]);

/** Fields that hold an address (a dry run's placeholder for them is one too). */
const ADDRESS_FIELDS: ReadonlySet<string> = new Set([
  'webhook',
  ...Object.values(TARGETS).flatMap((target) =>
    Object.entries(target.fields)
      .filter(([, spec]) => spec.kind === 'url')
      .map(([name]) => name),
  ),
]);

/** What an unset address becomes in a dry run (`.invalid` names never resolve). */
const PLACEHOLDER_ADDRESS = 'https://unset.invalid/';

const isTrue = (value: unknown) =>
  value === true || (typeof value === 'string' && /^(true|yes|on|1)$/i.test(value.trim()));

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function formatIssues(issues: readonly z.core.$ZodIssue[], prefix: string, known: readonly string[]): string[] {
  const errors: string[] = [];
  for (const issue of issues) {
    const at = `${prefix}${formatPath(issue.path)}`;
    if (issue.code === 'unrecognized_keys') {
      const parent = at && !at.endsWith('.') ? `${at}.` : at;
      for (const key of issue.keys) errors.push(`${parent}${key}: unknown key${didYouMean(key, known)}`);
    } else {
      errors.push(`${at || '(config)'}: ${issue.message.replace(/^Invalid input: /, '')}`);
    }
  }
  return errors;
}

type ParseYaml = (source: string) => Promise<YamlResult>;

async function parseStructured(name: string, value: string, errors: string[], parseYaml: ParseYaml): Promise<unknown> {
  if (name === 'needs') {
    try {
      return JSON.parse(value);
    } catch {
      errors.push(`${name}: not valid JSON`);
      return undefined;
    }
  }
  const parsed = await parseYaml(value);
  if (parsed.ok) return parsed.value;
  errors.push(`${name}: not valid YAML (${parsed.error})`);
  return undefined;
}

async function stringLayer(
  values: Record<string, string>,
  errors: string[],
  parseYaml: ParseYaml,
): Promise<Record<string, unknown>> {
  const layer: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    layer[name] = STRUCTURED_INPUTS.has(name) ? await parseStructured(name, value, errors, parseYaml) : value;
  }
  return layer;
}

async function readConfigFile(
  path: string,
  sources: Sources,
  errors: string[],
  parseYaml: ParseYaml,
): Promise<Record<string, unknown>> {
  let source: string;
  if (sources.readFile) {
    try {
      source = sources.readFile(path);
    } catch (error) {
      errors.push(`config: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      return {};
    }
  } else {
    const read = readConfigText(path);
    if (!read.ok) {
      errors.push(read.error);
      return {};
    }
    source = read.text;
  }
  const parsed = await parseYaml(source);
  if (!parsed.ok) {
    errors.push(`config: ${path} is not valid YAML (${parsed.error})`);
    return {};
  }
  const data = parsed.value;
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    errors.push(`config: ${path} must hold a map of settings`);
    return {};
  }
  if ('config' in data) errors.push('config: a config file cannot name another config file');
  return data as Record<string, unknown>;
}

const asSecretText = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'bigint'
      ? String(value)
      : undefined;

/** Every value in the raw settings that is a credential (for masking before anything prints). */
export function rawSecrets(raw: unknown): { urls: string[]; values: string[] } {
  const urls: string[] = [];
  const values: string[] = [];
  const visit = (value: unknown, key: string): void => {
    const text = asSecretText(value);
    if (text !== undefined) {
      const kind = SECRET_FIELDS.get(key);
      if (kind) (kind === 'address' && /^[a-z]+:\/\//i.test(text) ? urls : values).push(text.trim());
    } else if (Array.isArray(value)) {
      value.forEach((item) => visit(item, key));
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        const header = key === 'headers' ? asSecretText(v) : undefined;
        if (header !== undefined) {
          if (!PLAIN_HEADERS.has(k.toLowerCase())) values.push(header.trim());
        } else visit(v, k);
      }
    }
  };
  visit(raw, '');
  return { urls, values };
}

/** Merges the layers (flags > inputs > config file) and expands `${NAME}`. */
export async function mergeLayers(
  sources: Sources,
): Promise<{ raw: Record<string, unknown>; errors: string[]; placeholders: string[] }> {
  const errors: string[] = [];
  const configPath = (sources.flags.config ?? sources.inputs.config)?.trim();
  // The YAML reader is loaded only when there is YAML to read.
  const yamlInputs = [...Object.keys(sources.inputs), ...Object.keys(sources.flags)].some(
    (k) => k === 'targets' || k === 'members',
  );
  const noYaml: ParseYaml = async () => ({ ok: true, value: undefined });
  const parse: ParseYaml = configPath || yamlInputs ? parseYaml : noYaml;
  const inputs = await stringLayer(sources.inputs, errors, parse);
  const flags = await stringLayer(sources.flags, errors, parse);
  const file = configPath ? await readConfigFile(configPath, sources, errors, parse) : {};
  const merged = { ...file, ...inputs, ...flags };
  delete merged.config;
  // A dry run shows what would be sent before every secret is set: unset names get placeholders.
  const unset: Unset | undefined = isTrue(merged['dry-run'])
    ? {
        names: new Set(),
        placeholder: (name, whole, key) =>
          whole && ADDRESS_FIELDS.has(key) ? `${PLACEHOLDER_ADDRESS}${name}` : `unset-${name}`,
      }
    : undefined;
  const raw = expandAll(merged, sources.env, '', errors, NOT_EXPANDED, unset) as Record<string, unknown>;
  const placeholders = unset ? [...unset.names] : [];
  return { raw, errors, placeholders };
}

/** The targets as written, each with the prefix its error paths take. */
function rawTargets(
  raw: Record<string, unknown>,
  errors: string[],
): { item: Record<string, unknown>; prefix: string }[] {
  const entries: { item: Record<string, unknown>; prefix: string }[] = [];
  if (raw.type !== undefined || raw.webhook !== undefined) {
    if (raw.type === undefined) errors.push('type: required when webhook is set');
    else {
      const single = Object.fromEntries(
        ['type', 'webhook', 'secret'].filter((k) => raw[k] !== undefined).map((k) => [k, raw[k]]),
      );
      entries.push({ item: single, prefix: '' });
    }
  } else if (raw.secret !== undefined) {
    errors.push('secret: goes with type and webhook (in targets, set secret on each target)');
  }
  if (Array.isArray(raw.targets)) {
    raw.targets.forEach((item, i) => {
      if (item && typeof item === 'object' && !Array.isArray(item))
        entries.push({ item: item as Record<string, unknown>, prefix: `targets[${i}].` });
      else errors.push(`targets[${i}]: expected a map of target fields`);
    });
  }
  return entries;
}

/** One target's fields: its type first, then the common fields and the type's own, at once. */
function parseTarget(
  item: Record<string, unknown>,
  prefix: string,
  errors: string[],
): Record<string, unknown> | undefined {
  const type = typeof item.type === 'string' ? item.type.trim() : item.type;
  if (typeof type !== 'string' || !Object.hasOwn(TARGETS, type)) {
    errors.push(
      type === undefined
        ? `${prefix}type: required (one of ${TARGET_TYPES.join(', ')})`
        : `${prefix}type: expected one of ${TARGET_TYPES.join(', ')}${didYouMean(String(type), TARGET_TYPES)}`,
    );
    return undefined;
  }
  const definition = TARGETS[type]!;
  const own = Object.keys(definition.fields);
  const known = [...Object.keys(COMMON_TARGET_FIELDS), ...own];
  const before = errors.length;
  for (const key of Object.keys(item)) {
    if (known.includes(key)) continue;
    const owners = typesWithField(key);
    errors.push(
      owners.length
        ? `${prefix}${key}: not used by ${type} targets (only ${owners.join(', ')})`
        : `${prefix}${key}: unknown key${didYouMean(key, known)}`,
    );
  }
  const parsed = targetSchema(type).safeParse(
    Object.fromEntries(Object.entries({ ...item, type }).filter(([key]) => known.includes(key))),
  );
  if (!parsed.success) errors.push(...formatIssues(parsed.error.issues, prefix, known));
  const data = (parsed.success ? parsed.data : item) as Record<string, unknown>;
  for (const [field, spec] of Object.entries(definition.fields)) {
    if (data[field] === undefined && spec.default !== undefined) data[field] = spec.default;
    const value = data[field];
    if (spec.required && (value === undefined || value === '' || (Array.isArray(value) && value.length === 0))) {
      errors.push(`${prefix}${field}: required for ${type} targets`);
    }
  }
  if (errors.length > before || !parsed.success) return undefined;
  for (const { field, problem } of definition.validate?.(data) ?? []) {
    // A dry run's placeholder for an unset ${NAME} is no address to check.
    if (!String(data[field] ?? '').startsWith(PLACEHOLDER_ADDRESS)) errors.push(`${prefix}${field}: ${problem}`);
  }
  return errors.length > before ? undefined : data;
}

function parseMembers(raw: unknown, errors: string[]): Record<string, Member> {
  const members: Record<string, Member> = {};
  if (!raw || typeof raw !== 'object') return members;
  for (const [login, value] of Object.entries(raw)) {
    const parsed = memberSchema.safeParse(value ?? {});
    if (parsed.success) members[login] = parsed.data as Member;
    else errors.push(...formatIssues(parsed.error.issues, `members.${login}.`, MEMBER_KEYS));
  }
  return members;
}

/**
 * Validates merged settings, reporting every problem at once. `expectTargets` false (when an
 * earlier step already failed, e.g. the targets YAML did not parse) keeps a misleading "no
 * target" error out of the list.
 */
export function validate(raw: Record<string, unknown>, env: Sources['env'], expectTargets = true): LoadResult {
  const parsed = SETTINGS_SCHEMA.safeParse(raw);
  const errors = parsed.success ? [] : formatIssues(parsed.error.issues, '', INPUT_NAMES);
  const entries = rawTargets(raw, errors);
  const targets: Target[] = [];
  const names = new Map<string, string>();
  const top = (parsed.success ? parsed.data : {}) as Record<string, unknown>;
  entries.forEach(({ item, prefix }, index) => {
    const data = parseTarget(item, prefix, errors);
    if (!data) return;
    const path = prefix ? prefix.slice(0, -1) : 'type';
    const type = data.type as string;
    const name = (data.name as string | undefined) ?? `${type}#${index}`;
    const earlier = names.get(name);
    if (earlier) errors.push(`${path}.name: "${name}" is already the name of ${earlier}`);
    names.set(name, path);
    const pick = <T>(key: string): T | undefined => (data[key] ?? top[key]) as T | undefined;
    const message = pick<string>('message');
    const at = [...(pick<string[]>('at') ?? [])];
    if (data['at-all'] && !at.includes('all')) at.push('all');
    const options = Object.fromEntries(
      Object.entries(data).filter(([key]) => !Object.hasOwn(COMMON_TARGET_FIELDS, key)),
    );
    targets.push({
      index,
      name,
      type,
      at,
      events: pick<EventSelector[]>('events') ?? (message !== undefined ? ['always'] : [...DEFAULT_EVENTS]),
      branches: pick<string[]>('branches') ?? [],
      title: pick<string>('title'),
      message,
      language: pick<Language>('language') ?? 'en',
      options,
    });
  });
  const members = parseMembers(top.members, errors);
  if (entries.length === 0 && errors.length === 0 && expectTargets) {
    errors.push('no target: set type and webhook, or a targets list');
  }
  if (!parsed.success || errors.length > 0) return { ok: false, errors };
  const input = top;
  return {
    ok: true,
    settings: {
      targets,
      status: input.status as ZadigStatus | undefined,
      needs: input.needs as Settings['needs'],
      githubToken: (input['github-token'] as string | undefined) ?? '',
      gitlabToken: (input['gitlab-token'] as string | undefined) ?? env.GITLAB_TOKEN?.trim() ?? '',
      members,
      language: (input.language as Language | undefined) ?? 'en',
      timeZone: (input.timezone as string | undefined) ?? 'UTC',
      timeoutSeconds: (input['timeout-seconds'] as number | undefined) ?? 10,
      retries: (input.retries as number | undefined) ?? 2,
      failOnError: (input['fail-on-error'] as boolean | undefined) ?? false,
      dryRun: (input['dry-run'] as boolean | undefined) ?? false,
      test: (input.test as boolean | undefined) ?? false,
      messageRefs: (input['message-refs'] as string | undefined) ?? '',
      logLines: (input['log-lines'] as number | undefined) ?? 0,
    },
  };
}
