// An app's token for one run (SPEC §10), shared by the app targets: fetched once per app and
// secret across targets, a secret from the moment it arrives, and after an answer saying it
// expired, fetched again once and the call repeated. Credentials refused are never retried.
import { hmacSha256Hex } from '../crypto.js';
import type { HttpRequest, HttpResponse, Outcome, RetryResult } from '../http.js';
import type { SendTools } from './types.js';

export interface AppSession {
  /** The token (again: the one fetched after an expiry). */
  get(again: boolean): Promise<Outcome<string>>;
  /** One API call with the token; an expired token is replaced and the call made again, once. */
  call<T>(request: (token: string) => HttpRequest, check: (response: HttpResponse) => Outcome<T>): Promise<Outcome<T>>;
  /** The attempts made so far, token requests included (each counted once). */
  attempts(): number;
}

/**
 * `app` names the app (type, API base, app id); the secret joins the key as a keyed digest, so
 * two configs of one app id with different secrets never share a token, and no key holds it.
 */
export function appSession(
  tools: SendTools,
  options: {
    app: string;
    secret: string;
    fetch: () => Promise<RetryResult<string>>;
    /** The vendor's codes for "this token expired". */
    expired: readonly string[];
  },
): AppSession {
  const key = `${options.app}|${hmacSha256Hex(options.secret, `${options.app} token`).slice(0, 16)}`;
  const counted = new Set<string>();
  let attempts = 0;
  // Once a token was replaced, the later calls of this session use the new one too.
  let replaced = false;
  const get = async (again: boolean): Promise<Outcome<string>> => {
    const k = again ? `${key}|again` : key;
    const fetched = await tools.token(k, options.fetch);
    if (!counted.has(k)) {
      counted.add(k);
      attempts += fetched.attempts;
    }
    if (fetched.outcome.ok) tools.secret(fetched.outcome.value);
    return fetched.outcome;
  };
  return {
    get,
    async call(request, check) {
      for (;;) {
        const again = replaced;
        const token = await get(again);
        if (!token.ok) return token;
        const sent = await tools.http(request(token.value), check);
        attempts += sent.attempts;
        if (sent.outcome.ok || again || !options.expired.includes(sent.outcome.code ?? '')) return sent.outcome;
        replaced = true;
      }
    },
    attempts: () => attempts,
  };
}
