// User templates (title, message, webhook body) in Handlebars, strict: an unknown variable is an
// error naming the known ones. Pipeline values are data: each string reaches the template wrapped
// so that `{{x}}` escapes it for the target's dialect (Handlebars calls `toHTML()` on values that
// have one), and a value is never compiled, so `{{…}}` in a commit message stays text.
import type { ZadigPayload } from '../payload.js';
import { formatDuration, formatTime, statusIcon } from './index.js';
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
): Record<string, unknown> {
  const w = payload.workflow;
  const t = language ?? texts('en');
  const end = w.end_time || Math.floor(Date.now() / 1000);
  const sha = w.stages[0]?.jobs[0]?.spec.repositories[0]?.commit_id ?? '';
  return {
    workflow: w,
    status_text: t.status[w.status] ?? w.status,
    status_icon: statusIcon(w.status),
    duration: w.start_time ? formatDuration(end - w.start_time, t) : '',
    short_sha: sha.slice(0, 7),
    ci,
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

export interface TemplateEngine {
  /** Compiles and checks a template; returns an error sentence instead of throwing. */
  prepare(
    name: string,
    source: string,
    data: Record<string, unknown>,
    language: Texts,
  ): { render: Render } | { error: string };
}

export async function loadTemplateEngine(): Promise<TemplateEngine> {
  const { default: Handlebars } = await import('handlebars');
  const hb = Handlebars.create();
  const out = (text: string) => new Data(text);
  const str = (v: unknown) => String(unwrap(v) ?? '');
  hb.registerHelper('_rbrace', () => new hb.SafeString('}'));
  hb.registerHelper('json', (value: unknown) => new hb.SafeString(JSON.stringify(unwrap(value)) ?? 'null'));
  hb.registerHelper('truncate', (value: unknown, length: unknown) => {
    const chars = Array.from(str(value));
    const max = Math.max(0, Number(unwrap(length)) || 0);
    return out(chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join(''));
  });
  hb.registerHelper('date', (value: unknown) => out(formatTime(Number(unwrap(value)) || 0)));
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

  return {
    prepare(name, source, data, language) {
      const known = knownVariables(data);
      let compiled: ReturnType<typeof hb.compile>;
      try {
        compiled = hb.compile(separateBraces(source), { strict: true, knownHelpersOnly: false });
      } catch (error) {
        return { error: `${name}: not a valid template (${(error as Error).message.split('\n')[0]})` };
      }
      const wrapped = wrap(data);
      const render: Render = (escape) => {
        currentEscape = escape;
        try {
          return compiled(wrapped, { data: { texts: language } });
        } finally {
          currentEscape = plain;
        }
      };
      try {
        render(plain);
      } catch (error) {
        const message = (error as Error).message.split('\n')[0] ?? '';
        const missing = /"([^"]+)" not defined/.exec(message)?.[1];
        return missing
          ? { error: `${name}: unknown variable "${missing}"; known: ${known.join(', ')}` }
          : { error: `${name}: the template failed (${message})` };
      }
      return { render };
    },
  };
}
