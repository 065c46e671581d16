import {
  fetchOnce,
  judgeHttp,
  snippet,
  withRetry,
  type Outcome,
  type ResponseHeaders,
  type RetryPolicy,
} from '../http.js';

export interface JsonPage {
  json: unknown;
  headers: ResponseHeaders;
}

export interface RestFailure {
  status: number;
  message: string;
}

/** GET a JSON document with the retry policy; an answer that is not JSON is a failure. */
export async function getJson(
  url: string,
  headers: Record<string, string>,
  policy: RetryPolicy,
): Promise<{ ok: true; page: JsonPage } | { ok: false; failure: RestFailure }> {
  let status = 0;
  const result = await withRetry(async (timeoutMs): Promise<Outcome<JsonPage>> => {
    // The policy's redact hides secrets before the answer is cut into a message.
    const sent = await fetchOnce({ method: 'GET', url, headers }, timeoutMs, { redact: policy.redact });
    if (!sent.ok) return sent;
    status = sent.value.status;
    const judged = judgeHttp(sent.value);
    if (!judged.ok) return judged;
    try {
      return { ok: true, value: { json: JSON.parse(sent.value.text), headers: sent.value.headers } };
    } catch {
      return { ok: false, retryable: false, message: `the answer is not JSON: ${snippet(sent.value.text, 80)}` };
    }
  }, policy);
  return result.outcome.ok
    ? { ok: true, page: result.outcome.value }
    : { ok: false, failure: { status, message: result.outcome.message } };
}
