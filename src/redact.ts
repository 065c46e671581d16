// Every line the program prints passes through one Redactor: the values registered here are
// replaced by `***`, in every form a vendor may echo them in. Secrets of 4 characters or more are
// replaced wherever they appear; shorter ones (the caller should warn: `add()` returns no form
// for them, see isShortSecret) only where they stand alone — a whole JSON string value, or a
// word not joined to letters, digits or `_.-+/%@` — since inside other words they would hide
// half the log and protect nothing.

export const MIN_SECRET_LENGTH = 4;

/** True when a secret is too short to be hidden everywhere: warn the user about it. */
export function isShortSecret(value: string | number): boolean {
  const text = String(value).trim();
  return text !== '' && text.length < MIN_SECRET_LENGTH;
}

/** A path segment that reads like a credential (random letters and digits) rather than a route name. */
function looksSecret(part: string): boolean {
  return (part.length >= 6 && /\d/.test(part)) || (part.length >= 20 && /[A-Z]/.test(part) && /[a-z]/.test(part));
}

/** Query keys whose values are never credentials, shown as they are. */
const PLAIN_QUERY_KEYS = new Set([
  'wait',
  'thread_id',
  'receive_id_type',
  'timestamp',
  'api-version',
  'messageReplyOption',
]);

const MASK = '***';

export class Redactor {
  /** Forms of secrets of MIN_SECRET_LENGTH or more: replaced wherever they appear. */
  private readonly forms = new Set<string>();
  /** Secrets shorter than that: replaced only where they stand alone. */
  private readonly shortOnes = new Set<string>();
  private sorted: string[] | undefined;

  /**
   * Registers a secret (a number is one too) and returns the forms it may take in output, for
   * `::add-mask::`. A secret shorter than MIN_SECRET_LENGTH returns no form: warn about it.
   * Surrounding whitespace is dropped, and each line of a multi-line secret is a secret too.
   */
  add(value: string | number | undefined | null): string[] {
    if (value === undefined || value === null) return [];
    const text = String(value);
    const values = new Set([text, text.trim()]);
    if (/[\r\n]/.test(text)) for (const line of text.split(/\r?\n|\r/)) values.add(line.trim());
    const added: string[] = [];
    for (const one of values) {
      if (one.trim() === '') continue;
      if (one.length < MIN_SECRET_LENGTH) {
        this.shortOnes.add(one);
        continue;
      }
      for (const form of formsOf(one)) {
        if (!this.forms.has(form)) this.forms.add(form);
        added.push(form);
      }
    }
    this.sorted = undefined;
    return [...new Set(added)];
  }

  /**
   * Registers a user and password: each part, `user:pass` and so its base64 (the Basic token),
   * and the SMTP AUTH PLAIN token (base64 of NUL user NUL pass).
   */
  addBasic(user: string, pass: string): string[] {
    const pairs = [`${user}:${pass}`, `\0${user}\0${pass}`];
    // The tokens are hidden even when the pair itself is short: they are what goes on the wire.
    const tokens = pairs.map((pair) => Buffer.from(pair, 'utf8').toString('base64'));
    for (const token of tokens) this.forms.add(token);
    this.sorted = undefined;
    // The pair with NUL bytes is hidden here but never sent to a mask (no NUL reaches the log). A
    // user name alone is not a secret: hiding it everywhere would mangle ordinary words.
    const plain = this.add(pairs[0]);
    for (const form of formsOf(pairs[1] as string)) this.forms.add(form);
    return [...new Set([...tokens, ...plain, ...this.add(pass)])];
  }

  /** Registers a URL whose path or query may hold credentials: the whole URL and its secret parts. */
  addUrl(address: string | undefined): string[] {
    if (!address) return [];
    const forms = this.add(address);
    const url = parseUrl(address);
    if (!url) return forms;
    if (url.username || url.password) {
      forms.push(...this.addBasic(decodeSafe(url.username), decodeSafe(url.password)), ...this.add(url.password));
    }
    for (const segment of url.pathname.split('/')) {
      if (looksSecret(segment)) forms.push(...this.add(decodeSafe(segment)), ...this.add(segment));
    }
    for (const [key, value] of url.searchParams) {
      if (!PLAIN_QUERY_KEYS.has(key) && value.length >= 8) forms.push(...this.add(value));
    }
    return [...new Set(forms)];
  }

  redact(text: string): string {
    if (text === '' || (this.forms.size === 0 && this.shortOnes.size === 0)) return text;
    this.sorted ??= [...this.forms].sort((a, b) => b.length - a.length);
    let out = text;
    // Replacing can join the text around a secret into another one: repeat until none is left
    // (each replacement shortens the text, so this ends).
    for (let changed = true; changed;) {
      changed = false;
      for (const form of this.sorted) {
        if (out.includes(form)) {
          out = replaceEvery(out, form);
          changed = true;
        }
      }
    }
    for (const short of this.shortOnes) out = replaceStandalone(out, short);
    return out;
  }

  /**
   * A parsed JSON value with its strings (keys too) redacted, and numbers that hold a secret made
   * `"***"`: the result always serialises to valid JSON, whatever the secret (`true`, `"`, `1`).
   * Booleans and null are kept: they carry nothing. Keys that become equal keep the last value.
   */
  redactJson(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (typeof value === 'number' || typeof value === 'bigint') {
      const written = String(value);
      return replaceLongForms(written, this.sortedForms()) === written ? value : MASK;
    }
    if (Array.isArray(value)) return value.map((item) => this.redactJson(item));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [this.redact(key), this.redactJson(item)]));
    }
    return value;
  }

  private sortedForms(): string[] {
    this.sorted ??= [...this.forms].sort((a, b) => b.length - a.length);
    return this.sorted;
  }
}

function replaceLongForms(text: string, forms: readonly string[]): string {
  let out = text;
  for (const form of forms) if (out.includes(form)) out = replaceEvery(out, form);
  return out;
}

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** Replaces every occurrence, widened so that no surrogate pair is split. */
function replaceEvery(text: string, secret: string): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, from)) {
    let start = at;
    let end = at + secret.length;
    if (start > from && isLow(text.charCodeAt(start)) && isHigh(text.charCodeAt(start - 1))) start--;
    if (isHigh(text.charCodeAt(end - 1)) && isLow(text.charCodeAt(end))) end++;
    out += text.slice(from, start) + MASK;
    from = end;
  }
  return out + text.slice(from);
}

/** Characters that join a short secret to the word around it (then it is left as it is). */
const JOINING = /[\p{L}\p{N}\p{M}_.+\-/%@*]/u;

function joins(text: string, at: number): boolean {
  if (at < 0 || at >= text.length) return false;
  const code = text.charCodeAt(at);
  const char = isLow(code) && at > 0 ? text.slice(at - 1, at + 1) : isHigh(code) ? text.slice(at, at + 2) : text[at];
  return JOINING.test(char ?? '');
}

/** True when text[start, end) starts or ends inside a surrogate pair (it is part of a character). */
function splitsPair(text: string, start: number, end: number): boolean {
  return (
    (isLow(text.charCodeAt(start)) && isHigh(text.charCodeAt(start - 1))) ||
    (isHigh(text.charCodeAt(end - 1)) && isLow(text.charCodeAt(end)))
  );
}

/** Replaces the occurrences of a short secret that stand alone (see the file comment). */
function replaceStandalone(text: string, secret: string): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) {
    const end = at + secret.length;
    if (at < from || joins(text, at - 1) || joins(text, end) || splitsPair(text, at, end)) continue;
    out += text.slice(from, at) + MASK;
    from = end;
  }
  return out + text.slice(from);
}

/** The forms a secret takes when echoed: raw, URL-, form-, JSON-, HTML-encoded and base64. */
function formsOf(value: string): string[] {
  const forms = new Set<string>([value]);
  for (const encode of [encodeURIComponent, encodeURI]) {
    try {
      const encoded = encode(value);
      forms.add(encoded);
      forms.add(encoded.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()));
    } catch {
      // A lone surrogate cannot be URL-encoded, so it cannot appear URL-encoded either.
    }
  }
  forms.add(new URLSearchParams([['', value]]).toString().slice(1));
  const json = JSON.stringify(value).slice(1, -1);
  // Python's json.dumps and others write every non-ASCII character as \uXXXX.
  const asciiJson = json.replace(
    /[\u0080-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  for (const form of [
    json,
    asciiJson,
    asciiJson.replace(/\\u[0-9a-f]{4}/g, (escape) => escape.toUpperCase().replace('\\U', '\\u')),
  ]) {
    forms.add(form);
    // PHP's json_encode escapes slashes.
    forms.add(form.replaceAll('/', '\\/'));
  }
  forms.add(
    value.replace(
      /[&<>"']/g,
      (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
    ),
  );
  const bytes = Buffer.from(value, 'utf8');
  forms.add(bytes.toString('base64'));
  forms.add(bytes.toString('base64').replace(/=+$/, ''));
  forms.add(bytes.toString('base64url'));
  return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH);
}

function parseUrl(address: string): URL | undefined {
  try {
    return new URL(address);
  } catch {
    return undefined;
  }
}

function decodeSafe(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * A URL for display: scheme, host and route kept; credentials, query values and token-like path
 * segments replaced (`https://oapi.dingtalk.com/robot/send?access_token=***`).
 */
export function displayUrl(address: string): string {
  const url = parseUrl(address);
  if (!url) return '***';
  const path = url.pathname
    .split('/')
    .map((segment) => (looksSecret(segment) ? '***' : segment))
    .join('/');
  const query = [...url.searchParams]
    .map(
      ([key, value]) => `${encodeURIComponent(key)}=${PLAIN_QUERY_KEYS.has(key) ? encodeURIComponent(value) : '***'}`,
    )
    .join('&');
  const auth = url.username || url.password ? '***@' : '';
  return `${url.protocol}//${auth}${url.host}${path}${query ? `?${query}` : ''}`;
}
