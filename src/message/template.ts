// User templates (title, message, webhook body) in Handlebars, strict: an unknown variable is an
// error naming the known ones. Pipeline values are data: each string reaches the template wrapped
// so that `{{x}}` escapes it for the target's dialect (Handlebars calls `toHTML()` on values that
// have one), and a value is never compiled, so `{{…}}` in a commit message stays text.
import type { Language } from '../config/schema.js';
import { payloadCommit, type ZadigPayload } from '../payload.js';
import { formatTime } from '../time.js';
import { formatDuration, statusIcon } from './index.js';
import { texts, type Texts } from './i18n.js';

export type Escape = (text: string) => string;
export type Render = (escape: Escape) => string;

/** Inside a JSON string: what `{{x}}` means in a webhook body. */
export const escapeJsonString: Escape = (text) => JSON.stringify(text).slice(1, -1);
export const plain: Escape = (text) => text;

let currentEscape: Escape = plain;

class Data {
  constructor(readonly raw: string) {}
  toHTML(): string {
    return currentEscape(this.raw);
  }
  toString(): string {
    return this.raw;
  }
}

function wrap(value: unknown): unknown {
  // Empty strings stay '' so that {{#if}} reads them as false.
  if (typeof value === 'string') return value === '' ? '' : new Data(value);
  if (Array.isArray(value)) return value.map(wrap);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrap(v)]));
  return value;
}

function unwrap(value: unknown): unknown {
  if (value instanceof Data) return value.raw;
  if (Array.isArray(value)) return value.map(unwrap);
  if (value && typeof value === 'object' && !('hash' in value && 'data' in value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
  }
  return value;
}

/** The variables a template sees (SPEC §9.18); `env` is deliberately not among them. */
export function templateData(
  payload: ZadigPayload,
  language: Texts | undefined,
  ci: Record<string, string>,
  nowSeconds: number,
  failedLogs: readonly { job: string; step: string; lines: readonly string[] }[] = [],
): Record<string, unknown> {
  const w = payload.workflow;
  const t = language ?? texts('en');
  const end = w.end_time || nowSeconds;
  const sha = payloadCommit(payload)?.commit_id ?? '';
  return {
    workflow: w,
    status_text: t.status[w.status] ?? w.status,
    status_icon: statusIcon(w.status),
    duration: w.start_time ? formatDuration(end - w.start_time, t) : '',
    short_sha: sha.slice(0, 7),
    ci,
    failed_logs: failedLogs,
  };
}

function knownVariables(data: Record<string, unknown>): string[] {
  const names: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const inner of Object.keys(value)) names.push(`${key}.${inner}`);
    } else {
      names.push(key);
    }
  }
  return names;
}

/**
 * `{"a": {{json x}}}` is natural in a JSON body, but Handlebars reads `}}}` as the end of a
 * triple-stash. A `}}}` that closes a plain `{{…}}` becomes `}}` and a helper printing `}`.
 */
export function separateBraces(source: string): string {
  let inTriple = false;
  return source.replace(/\{\{\{|\}{3,}/g, (token) => {
    if (token === '{{{') {
      inTriple = true;
      return token;
    }
    const closing = inTriple ? '}}}' : '}}';
    inTriple = false;
    return closing + '{{_rbrace}}'.repeat(token.length - closing.length);
  });
}

/** Rendering stops past this much output: a template cannot make a run hang or exhaust memory. */
const MAX_OUTPUT = 1024 * 1024;

class TooLarge extends Error {}

export interface TemplateEngine {
  /**
   * Compiles and checks a template; returns an error sentence instead of throwing. `json`: a
   * webhook body, where `{{json x}}` inserts raw JSON; elsewhere it is escaped like `{{x}}`.
   */
  prepare(
    name: string,
    source: string,
    data: Record<string, unknown>,
    language: Texts,
    options?: { timeZone?: string | undefined; json?: boolean },
  ): { render: Render } | { error: string };
}

/** `{{{x}}}` and `{{& x}}` print a value unescaped: refused, so every value stays data. */
const UNESCAPED = /\{\{\{|\{\{~?\s*&/;

/** The dotted path a template wrote that ends in `name` (Handlebars names only the last part). */
function pathAsWritten(source: string, name: string): string {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`\\{\\{[~#^/]?\\s*(?:[\\w-]+\\s+)?((?:[\\w@-]+[./])*${escaped})\\b`).exec(source);
  return match?.[1] ?? name;
}

export async function loadTemplateEngine(): Promise<TemplateEngine> {
  const { default: Handlebars } = await import('handlebars');
  const hb = Handlebars.create();
  // Nothing a template does may print (past the redactor) or reach the console.
  hb.unregisterHelper('log');
  let written = 0;
  const count = (text: string) => {
    written += text.length;
    if (written > MAX_OUTPUT) throw new TooLarge();
    return text;
  };
  const out = (text: string) => new Data(count(text));
  const str = (v: unknown) => String(unwrap(v) ?? '');
  hb.registerHelper('_rbrace', () => new hb.SafeString('}'));
  hb.registerHelper('json', (value: unknown, options: { data?: { json?: boolean } }) => {
    const json = count(JSON.stringify(unwrap(value)) ?? 'null');
    return options.data?.json ? new hb.SafeString(json) : new Data(json);
  });
  hb.registerHelper('truncate', (value: unknown, length: unknown) => {
    const chars = Array.from(str(value));
    const max = Math.max(0, Number(unwrap(length)) || 0);
    return out(chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join(''));
  });
  hb.registerHelper('date', (value: unknown, options: { data?: { timeZone?: string } }) =>
    out(formatTime(Number(unwrap(value)) || 0, options.data?.timeZone)),
  );
  // `duration` is also a variable: called with no argument, the helper gives the variable.
  hb.registerHelper('duration', (...args: unknown[]) => {
    const options = args[args.length - 1] as { data?: { texts?: Texts; root?: Record<string, unknown> } };
    if (args.length === 1) return options.data?.root?.duration ?? '';
    return out(formatDuration(Number(unwrap(args[0])) || 0, options.data?.texts ?? texts('en')));
  });
  hb.registerHelper('upper', (value: unknown) => out(str(value).toUpperCase()));
  hb.registerHelper('lower', (value: unknown) => out(str(value).toLowerCase()));
  hb.registerHelper('eq', (a: unknown, b: unknown) => unwrap(a) === unwrap(b));
  hb.registerHelper('join', (list: unknown, separator: unknown) => {
    const items = unwrap(list);
    const sep = typeof separator === 'object' ? ', ' : str(separator);
    return out(
      Array.isArray(items)
        ? items.map((item) => (item && typeof item === 'object' ? JSON.stringify(item) : String(item))).join(sep)
        : str(items),
    );
  });
  // Block output counts too, so nested loops cannot grow without bound.
  for (const block of ['each', 'with', 'if', 'unless']) {
    const original = hb.helpers[block] as (this: unknown, ...args: unknown[]) => unknown;
    hb.registerHelper(block, function (this: unknown, ...args: unknown[]) {
      const options = args[args.length - 1] as { fn: (c: unknown, o?: unknown) => string };
      const fn = options.fn;
      options.fn = (c, o) => count(fn(c, o));
      return original.apply(this, args);
    });
  }

  return {
    prepare(name, source, data, language, options = {}) {
      const known = knownVariables(data);
      if (UNESCAPED.test(source)) {
        return { error: `${name}: {{{x}}} and {{& x}} print a value unescaped; use {{x}} (or {{json x}})` };
      }
      let compiled: ReturnType<typeof hb.compile>;
      try {
        // `log` is unregistered, but as a built-in "known" helper it would compile to a call of nothing.
        compiled = hb.compile(separateBraces(source), {
          strict: true,
          knownHelpersOnly: false,
          knownHelpers: { log: false },
        });
      } catch (error) {
        return { error: `${name}: not a valid template (${(error as Error).message.split('\n')[0]})` };
      }
      const wrapped = wrap(data);
      const render: Render = (escape) => {
        currentEscape = escape;
        written = 0;
        try {
          return compiled(wrapped, {
            data: { texts: language, timeZone: options.timeZone ?? 'UTC', json: options.json ?? false },
          });
        } finally {
          currentEscape = plain;
        }
      };
      try {
        render(plain);
      } catch (error) {
        if (error instanceof TooLarge) return { error: `${name}: the template renders more than 1 MiB` };
        const message = (error as Error).message.split('\n')[0] ?? '';
        const missing = /"([^"]+)" not defined/.exec(message)?.[1];
        if (missing && calledWithArguments(source, missing)) {
          return { error: `${name}: "${missing}" is not a helper; helpers: ${helperNames(hb).join(', ')}` };
        }
        return missing
          ? { error: `${name}: unknown variable "${pathAsWritten(source, missing)}"; known: ${known.join(', ')}` }
          : { error: `${name}: the template failed (${message})` };
      }
      return { render };
    },
  };
}

/** Whether the template calls `name` with arguments (`{{name x}}`, `{{#name x}}`): a helper, not a variable. */
function calledWithArguments(source: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\{\\{[~#^]?\\s*${escaped}\\s+[^\\s}~]`).test(source);
}

/** The helpers a template may call, for an error naming an unknown one. */
function helperNames(hb: { helpers: Record<string, unknown> }): string[] {
  return Object.keys(hb.helpers).filter((helper) => !/^_|Missing$/.test(helper));
}

/** The data's shape with every text replaced: a body's JSON validity must not depend on the run. */
export function placeholderData(value: unknown): unknown {
  if (typeof value === 'string') return value === '' ? '' : 'text';
  if (Array.isArray(value)) return value.slice(0, 1).map(placeholderData);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, placeholderData(v)]));
  }
  return value;
}

/** A failed job's last log lines, as templates see them (`failed_logs`). */
export interface TemplateLog {
  job: string;
  step: string;
  lines: readonly string[];
}

/** A target's rendered templates: its title (plain text), body and webhook body. */
export interface TargetTemplates {
  title?: string | undefined;
  body?: Render | undefined;
  bodyTemplate?: Render | undefined;
}

interface Templated {
  index: number;
  name: string;
  type: string;
  language: Language;
  title?: string | undefined;
  message?: string | undefined;
  body?: string | undefined;
}

/**
 * Compiles and checks every title, message and webhook body (loading Handlebars only when there
 * is one), before any message is built. Returns each target's templates by name, or the problems,
 * each naming its target and field.
 */
export async function prepareTemplates(
  targets: readonly Templated[],
  payload: ZadigPayload,
  ci: Record<string, string>,
  options: { timeZone: string; nowSeconds: number; failedLogs?: TemplateLog[] | undefined },
): Promise<{ templates: Map<string, TargetTemplates>; errors: string[] }> {
  const templates = new Map<string, TargetTemplates>();
  const errors: string[] = [];
  const templated = targets.filter((t) => t.title ?? t.message ?? t.body);
  if (templated.length === 0) return { templates, errors };
  const engine = await loadTemplateEngine();
  const { jsonErrorPosition, describePosition } = await import('../json-position.js');
  for (const target of templated) {
    const language = texts(target.language);
    const data = templateData(payload, language, ci, options.nowSeconds, options.failedLogs);
    const where = (field: string) => `targets[${target.index}].${field} (${target.type} "${target.name}")`;
    const prepare = (field: string, source: string | undefined, json = false) => {
      if (source === undefined) return undefined;
      const prepared = engine.prepare(where(field), source, data, language, { timeZone: options.timeZone, json });
      if ('error' in prepared) errors.push(prepared.error);
      return 'render' in prepared ? prepared.render : undefined;
    };
    const title = prepare('title', target.title)?.(plain).trim();
    if (title === '') errors.push(`${where('title')}: renders empty; the title needs some text`);
    const body = prepare('message', target.message);
    if (body && body(plain).trim() === '')
      errors.push(`${where('message')}: renders empty; the message needs some text`);
    const bodyTemplate = prepare('body', target.body, true);
    if (bodyTemplate && target.body !== undefined) {
      // Checked on placeholder data: whether the JSON is valid must not depend on this run's texts.
      const check = engine.prepare(
        where('body'),
        target.body,
        placeholderData(data) as Record<string, unknown>,
        language,
        {
          json: true,
        },
      );
      const rendered = 'render' in check ? check.render(escapeJsonString) : '';
      const position = jsonErrorPosition(rendered);
      if (position !== undefined)
        errors.push(`${where('body')}: the rendered body is not valid JSON at ${describePosition(rendered, position)}`);
    }
    templates.set(target.name, { title: title || undefined, body, bodyTemplate });
  }
  return { templates, errors };
}
