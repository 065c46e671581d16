// Every line the program prints passes through one Redactor: the values registered here are
// replaced by `***`, in the forms they can take in output (as given, URL-encoded, JSON-escaped).

const MIN_SECRET_LENGTH = 4;

/** A path segment that reads like a credential (random letters and digits) rather than a route name. */
function looksSecret(part: string): boolean {
  return (part.length >= 6 && /\d/.test(part)) || (part.length >= 20 && /[A-Z]/.test(part) && /[a-z]/.test(part));
}

/** Query keys whose values are never credentials, shown as they are. */
const PLAIN_QUERY_KEYS = new Set(['wait', 'thread_id', 'receive_id_type', 'timestamp', 'api-version']);

export class Redactor {
  private readonly secrets = new Set<string>();
  private sorted: string[] | undefined;

  /** Registers a secret and returns the forms it may take in output (for `::add-mask::`). */
  add(value: string | undefined): string[] {
    if (!value || value.length < MIN_SECRET_LENGTH) return [];
    const forms = new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]);
    for (const form of forms) this.secrets.add(form);
    this.sorted = undefined;
    return [...forms];
  }

  /** Registers a URL whose path or query may hold credentials: the whole URL and its secret parts. */
  addUrl(address: string | undefined): string[] {
    if (!address) return [];
    const forms = this.add(address);
    const url = parseUrl(address);
    if (!url) return forms;
    forms.push(...this.add(decodeSafe(url.password)), ...this.add(decodeSafe(url.username)));
    for (const segment of url.pathname.split('/')) {
      if (looksSecret(segment)) forms.push(...this.add(decodeSafe(segment)), ...this.add(segment));
    }
    for (const [key, value] of url.searchParams) {
      if (!PLAIN_QUERY_KEYS.has(key) && value.length >= 8) forms.push(...this.add(value));
    }
    return forms;
  }

  redact(text: string): string {
    if (this.secrets.size === 0 || text === '') return text;
    this.sorted ??= [...this.secrets].sort((a, b) => b.length - a.length);
    let out = text;
    for (const secret of this.sorted) {
      if (out.includes(secret)) out = out.split(secret).join('***');
    }
    return out;
  }
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
