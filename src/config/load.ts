import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import type { ZadigStatus } from '../status.js';
import { expandAll } from './expand.js';
import {
  DEFAULT_EVENTS,
  INPUT_NAMES,
  MEMBER_KEYS,
  TARGET_KEYS,
  TARGET_TYPES,
  settingsSchema,
  targetSchema,
  type EventSelector,
  type Language,
  type Member,
  type SettingsInput,
  type TargetInput,
  type TargetType,
} from './schema.js';
import { didYouMean } from './suggest.js';

export interface Target {
  index: number;
  name: string;
  type: TargetType;
  webhook: string;
  secret: string;
  at: string[];
  events: EventSelector[];
  branches: string[];
  title: string | undefined;
  message: string | undefined;
  language: Language;
  keyword: string | undefined;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  msgKey: string | undefined;
  appId: string;
  appSecret: string;
  receiveIdType: string;
  receivers: string[];
  domain: string;
  smtp: string;
  from: string;
  to: string[];
}

export interface Settings {
  targets: Target[];
  status: ZadigStatus | undefined;
  needs: Record<string, { result?: string | undefined }> | undefined;
  githubToken: string;
  gitlabToken: string;
  members: Record<string, Member>;
  language: Language;
  timeoutSeconds: number;
  retries: number;
  failOnError: boolean;
  dryRun: boolean;
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
/** Keys whose values are credentials, wherever they appear. */
export const SECRET_KEYS = new Set(['webhook', 'secret', 'app-secret', 'smtp', 'github-token', 'gitlab-token']);
const SENSITIVE_HEADER = /auth|token|key|secret|sign|cookie|pass/i;

/** Which target types each type-specific field belongs to. */
const FIELD_TYPES: Record<string, readonly TargetType[]> = {
  webhook: TARGET_TYPES.filter((t) => t !== 'feishu-app' && t !== 'email'),
  secret: ['dingtalk', 'feishu', 'webhook'],
  keyword: ['dingtalk', 'feishu'],
  method: ['webhook'],
  headers: ['webhook'],
  body: ['webhook'],
  'msg-key': ['webhook'],
  'app-id': ['feishu-app'],
  'app-secret': ['feishu-app'],
  'receive-id-type': ['feishu-app'],
  receivers: ['feishu-app'],
  domain: ['feishu-app'],
  smtp: ['email'],
  from: ['email'],
  to: ['email'],
};

/** Fields a type cannot work without. */
const REQUIRED: Record<TargetType, readonly (keyof TargetInput)[]> = {
  feishu: ['webhook'],
  'feishu-app': ['app-id', 'app-secret', 'receivers'],
  dingtalk: ['webhook'],
  wecom: ['webhook'],
  teams: ['webhook'],
  slack: ['webhook'],
  discord: ['webhook'],
  email: ['smtp', 'to'],
  webhook: ['webhook'],
};

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const errors: string[] = [];
  for (const issue of issues) {
    const at = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      const known =
        issue.path.length === 0
          ? INPUT_NAMES
          : issue.path[0] === 'targets'
            ? TARGET_KEYS
            : issue.path[0] === 'members'
              ? MEMBER_KEYS
              : [];
      for (const key of issue.keys) {
        const where = at ? `${at}.${key}` : key;
        errors.push(`${where}: unknown key${didYouMean(key, known)}`);
      }
    } else if (issue.code === 'invalid_union' || issue.code === 'invalid_type') {
      errors.push(`${at || '(config)'}: ${issue.message.replace(/^Invalid input: /, '')}`);
    } else {
      errors.push(`${at || '(config)'}: ${issue.message}`);
    }
  }
  return errors;
}

function firstLine(message: string): string {
  // YAML errors quote the offending line after the first one; it may hold a secret.
  return (message.split('\n')[0] ?? '').trim();
}

type ParseYaml = (source: string) => unknown;

function parseStructured(name: string, value: string, errors: string[], parseYaml: ParseYaml): unknown {
  try {
    return name === 'needs' ? JSON.parse(value) : parseYaml(value);
  } catch (error) {
    errors.push(`${name}: not valid ${name === 'needs' ? 'JSON' : 'YAML'} (${firstLine((error as Error).message)})`);
    return undefined;
  }
}

function stringLayer(values: Record<string, string>, errors: string[], parseYaml: ParseYaml): Record<string, unknown> {
  const layer: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    layer[name] = STRUCTURED_INPUTS.has(name) ? parseStructured(name, value, errors, parseYaml) : value;
  }
  return layer;
}

function readConfigFile(
  path: string,
  sources: Sources,
  errors: string[],
  parseYaml: ParseYaml,
): Record<string, unknown> {
  let source: string;
  try {
    source = (sources.readFile ?? ((p: string) => readFileSync(p, 'utf8')))(path);
  } catch (error) {
    errors.push(`config: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return {};
  }
  let data: unknown;
  try {
    data = parseYaml(source);
  } catch (error) {
    errors.push(`config: ${path} is not valid YAML (${firstLine((error as Error).message)})`);
    return {};
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    errors.push(`config: ${path} must hold a map of settings`);
    return {};
  }
  if ('config' in data) errors.push('config: a config file cannot name another config file');
  return data as Record<string, unknown>;
}

/** Every value in the raw settings that is a credential (for masking before anything prints). */
export function rawSecrets(raw: unknown): { urls: string[]; values: string[] } {
  const urls: string[] = [];
  const values: string[] = [];
  const visit = (value: unknown, key: string): void => {
    if (typeof value === 'string') {
      if (SECRET_KEYS.has(key)) (/^[a-z]+:\/\//i.test(value) ? urls : values).push(value);
    } else if (Array.isArray(value)) {
      value.forEach((item) => visit(item, key));
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (key === 'headers' && typeof v === 'string' && SENSITIVE_HEADER.test(k)) values.push(v);
        else visit(v, k);
      }
    }
  };
  visit(raw, '');
  return { urls, values };
}

/** Checks that depend on the type; `prefix` is `targets[2].`, or empty for the single target. */
function checkTarget(target: TargetInput, prefix: string, errors: string[]): void {
  for (const [field, types] of Object.entries(FIELD_TYPES)) {
    if (target[field as keyof TargetInput] !== undefined && !types.includes(target.type)) {
      errors.push(`${prefix}${field}: not used by ${target.type} targets (only ${types.join(', ')})`);
    }
  }
  for (const field of REQUIRED[target.type]) {
    const value = target[field];
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) {
      errors.push(`${prefix}${field}: required for ${target.type} targets`);
    }
  }
  if (target.webhook && !/^https?:\/\/[^/\s]+/i.test(target.webhook)) {
    errors.push(`${prefix}webhook: expected an http:// or https:// address`);
  }
  if (target.smtp && !/^smtps?:\/\/[^/\s]+/i.test(target.smtp)) {
    errors.push(`${prefix}smtp: expected smtp://user:pass@host:port or smtps://…`);
  }
}

function resolveTargets(input: SettingsInput, errors: string[], expectTargets: boolean): Target[] {
  const entries: { target: TargetInput; path: string }[] = [];
  if (input.type !== undefined || input.webhook !== undefined) {
    if (input.type === undefined) {
      errors.push('type: required when webhook is set');
    } else {
      const single: TargetInput = { type: input.type };
      if (input.webhook !== undefined) single.webhook = input.webhook;
      if (input.secret !== undefined) single.secret = input.secret;
      entries.push({ target: single, path: 'type' });
    }
  } else if (input.secret !== undefined) {
    errors.push('secret: goes with type and webhook (in targets, set secret on each target)');
  }
  (input.targets ?? []).forEach((target, i) => entries.push({ target, path: `targets[${i}]` }));
  if (entries.length === 0 && errors.length === 0 && expectTargets) {
    errors.push('no target: set type and webhook, or a targets list');
  }

  const names = new Map<string, string>();
  return entries.map(({ target, path }, index) => {
    const name = target.name ?? `${target.type}#${index}`;
    const earlier = names.get(name);
    if (earlier) errors.push(`${path}.name: "${name}" is already the name of ${earlier}`);
    names.set(name, path);
    const message = target.message ?? input.message;
    const events = target.events ?? input.events ?? (message !== undefined ? ['always' as const] : [...DEFAULT_EVENTS]);
    const at = [...(target.at ?? input.at ?? [])];
    if (target['at-all'] && !at.includes('all')) at.push('all');
    return {
      index,
      name,
      type: target.type,
      webhook: target.webhook ?? '',
      secret: target.secret ?? '',
      at,
      events,
      branches: target.branches ?? input.branches ?? [],
      title: target.title ?? input.title,
      message,
      language: target.language ?? input.language ?? 'en',
      keyword: target.keyword,
      method: target.method ?? 'POST',
      headers: target.headers ?? {},
      body: target.body,
      msgKey: target['msg-key'],
      appId: target['app-id'] ?? '',
      appSecret: target['app-secret'] ?? '',
      receiveIdType: target['receive-id-type'] ?? 'chat_id',
      receivers: target.receivers ?? [],
      domain: target.domain ?? 'feishu',
      smtp: target.smtp ?? '',
      from: target.from ?? '',
      to: target.to ?? [],
    };
  });
}

/** Merges the layers (flags > inputs > config file) and expands `${NAME}`. */
export async function mergeLayers(sources: Sources): Promise<{ raw: Record<string, unknown>; errors: string[] }> {
  const errors: string[] = [];
  const configPath = (sources.flags.config ?? sources.inputs.config)?.trim();
  // The YAML parser is loaded only when there is YAML to read.
  const yamlInputs = [...Object.keys(sources.inputs), ...Object.keys(sources.flags)].some(
    (k) => k === 'targets' || k === 'members',
  );
  const parseYaml: ParseYaml = configPath || yamlInputs ? (await import('yaml')).parse : () => undefined;
  const inputs = stringLayer(sources.inputs, errors, parseYaml);
  const flags = stringLayer(sources.flags, errors, parseYaml);
  const file = configPath ? readConfigFile(configPath, sources, errors, parseYaml) : {};
  const merged = { ...file, ...inputs, ...flags };
  delete merged.config;
  const raw = expandAll(merged, sources.env, '', errors, NOT_EXPANDED) as Record<string, unknown>;
  return { raw, errors };
}

/** The targets as written, each with the prefix its error paths take. */
function rawTargets(raw: Record<string, unknown>): { item: unknown; prefix: string }[] {
  const entries: { item: unknown; prefix: string }[] = [];
  if (raw.type !== undefined || raw.webhook !== undefined) {
    const single = Object.fromEntries(
      ['type', 'webhook', 'secret'].filter((k) => raw[k] !== undefined).map((k) => [k, raw[k]]),
    );
    entries.push({ item: single, prefix: '' });
  }
  if (Array.isArray(raw.targets)) raw.targets.forEach((item, i) => entries.push({ item, prefix: `targets[${i}].` }));
  return entries;
}

/**
 * Validates merged settings, reporting every problem at once. `expectTargets` false (when an
 * earlier step already failed, e.g. the targets YAML did not parse) keeps a misleading "no
 * target" error out of the list.
 */
export function validate(raw: Record<string, unknown>, env: Sources['env'], expectTargets = true): LoadResult {
  const parsed = settingsSchema.safeParse(raw);
  const errors = parsed.success ? [] : formatIssues(parsed.error.issues);
  // Type-specific checks of every target that parses on its own, even when something else failed.
  for (const { item, prefix } of rawTargets(raw)) {
    const target = targetSchema.safeParse(item);
    if (target.success) checkTarget(target.data, prefix, errors);
  }
  if (!parsed.success) return { ok: false, errors };
  const input = parsed.data;
  const targets = resolveTargets(input, errors, expectTargets);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    settings: {
      targets,
      status: input.status,
      needs: input.needs,
      githubToken: input['github-token'] ?? '',
      gitlabToken: input['gitlab-token'] ?? env.GITLAB_TOKEN ?? '',
      members: input.members ?? {},
      language: input.language ?? 'en',
      timeoutSeconds: input['timeout-seconds'] ?? 10,
      retries: input.retries ?? 2,
      failOnError: input['fail-on-error'] ?? false,
      dryRun: input['dry-run'] ?? false,
    },
  };
}
