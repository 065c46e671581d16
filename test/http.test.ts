import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchOnce, judgeHttp, parseRetryAfter, withRetry, type Clock, type Outcome } from '../src/http.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';

function fakeClock(): Clock & { waits: number[] } {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
    random: () => 0.5,
  };
}

const fail = (retryable: boolean, retryAfterMs?: number): Outcome<string> => ({
  ok: false,
  retryable,
  message: 'nope',
  retryAfterMs,
});

describe('withRetry', () => {
  it('retries a retryable failure with doubling, jittered backoff and then succeeds', async () => {
    const clock = fakeClock();
    const answers = [fail(true), fail(true), { ok: true as const, value: 'yes' }];
    const result = await withRetry(async () => answers.shift()!, { retries: 2, timeoutMs: 1000 }, clock);
    expect(result).toEqual({ outcome: { ok: true, value: 'yes' }, attempts: 3, ms: 2250 });
    expect(clock.waits).toEqual([750, 1500]);
  });

  it('does not retry a final failure', async () => {
    const clock = fakeClock();
    const result = await withRetry(async () => fail(false), { retries: 5, timeoutMs: 1000 }, clock);
    expect(result.attempts).toBe(1);
    expect(clock.waits).toEqual([]);
  });

  it('stops after retries + 1 attempts', async () => {
    const clock = fakeClock();
    const result = await withRetry(async () => fail(true), { retries: 2, timeoutMs: 1000 }, clock);
    expect(result.attempts).toBe(3);
    expect(result.outcome.ok).toBe(false);
  });

  it('honours Retry-After, capped at 30 s', async () => {
    const clock = fakeClock();
    const answers = [fail(true, 4000), fail(true, 120_000), { ok: true as const, value: 'ok' }];
    await withRetry(async () => answers.shift()!, { retries: 2, timeoutMs: 1000 }, clock);
    expect(clock.waits).toEqual([4000, 30_000]);
  });

  it('gives up rather than wait past the 60 s budget', async () => {
    const clock = fakeClock();
    const result = await withRetry(async () => fail(true, 30_000), { retries: 10, timeoutMs: 1000 }, clock);
    expect(clock.waits).toEqual([30_000]);
    expect(result.attempts).toBe(2);
  });

  it('passes each attempt the smaller of the timeout and what is left of the budget', async () => {
    const clock = fakeClock();
    const timeouts: number[] = [];
    await withRetry(
      async (timeoutMs) => {
        timeouts.push(timeoutMs);
        await clock.sleep(timeoutMs);
        return fail(true, 1);
      },
      { retries: 3, timeoutMs: 25_000 },
      clock,
    );
    // Budget: max(60 s, 25 s × 4) = 100 s.
    expect(timeouts).toEqual([25_000, 25_000, 25_000, 24_997]);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('fetchOnce and judgeHttp over real sockets', () => {
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it('sends method, headers and body, and reads the answer', async () => {
    receiver = await startReceiver([{ status: 201, body: 'made' }]);
    const answer = await fetchOnce(
      { method: 'PUT', url: `${receiver.url}/x?y=1`, headers: { 'X-Test': 'a' }, body: '{"a":1}' },
      2000,
    );
    expect(answer.ok && answer.value.status).toBe(201);
    expect(answer.ok && answer.value.text).toBe('made');
    expect(receiver.requests[0]).toMatchObject({ method: 'PUT', url: '/x?y=1', body: '{"a":1}' });
    expect(receiver.requests[0]?.headers['x-test']).toBe('a');
  });

  it('times out an answer that never comes, as retryable', async () => {
    receiver = await startReceiver([{ hang: true }]);
    const answer = await fetchOnce({ method: 'POST', url: receiver.url, headers: {} }, 300);
    expect(answer).toEqual({ ok: false, retryable: true, message: 'no answer within 0.3 s' });
  });

  it('reports a refused connection as retryable', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((r) => server.close(() => r()));
    const answer = await fetchOnce({ method: 'POST', url: `http://127.0.0.1:${port}/`, headers: {} }, 2000);
    expect(answer).toEqual({ ok: false, retryable: true, message: 'the connection was refused (ECONNREFUSED)' });
  });

  it('reports a reset connection as retryable', async () => {
    const server = createServer((socket) => socket.resetAndDestroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const answer = await fetchOnce({ method: 'POST', url: `http://127.0.0.1:${port}/`, headers: {} }, 2000);
    server.close();
    expect(answer.ok).toBe(false);
    expect(!answer.ok && answer.retryable).toBe(true);
    expect(!answer.ok && answer.message).toMatch(/\((ECONNRESET|UND_ERR_SOCKET)\)$/);
  });

  it.each([
    [200, true, false],
    [204, true, false],
    [400, false, false],
    [404, false, false],
    [408, false, true],
    [429, false, true],
    [500, false, true],
    [503, false, true],
  ])('judges HTTP %i: ok %s, retryable %s', async (status, ok, retryable) => {
    receiver = await startReceiver([{ status, body: 'why' }]);
    const answer = await fetchOnce({ method: 'POST', url: receiver.url, headers: {} }, 2000);
    const judged = answer.ok ? judgeHttp(answer.value) : answer;
    expect(judged.ok).toBe(ok);
    if (!judged.ok) expect(judged.retryable).toBe(retryable);
  });

  it('does not follow a redirect (a POST would turn into a GET)', async () => {
    receiver = await startReceiver([{ status: 301, headers: { Location: 'http://127.0.0.1:1/elsewhere' } }]);
    const answer = await fetchOnce({ method: 'POST', url: receiver.url, headers: {} }, 2000);
    const judged = answer.ok ? judgeHttp(answer.value) : answer;
    expect(judged).toMatchObject({
      ok: false,
      retryable: false,
      message: 'HTTP 301: the address redirects elsewhere; configure the final address',
    });
    expect(receiver.requests).toHaveLength(1);
  });
});
