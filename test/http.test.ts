import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync, zstdCompressSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  fetchOnce,
  judgeHttp,
  parseRetryAfter,
  secretsOfRequest,
  useProxyFromEnv,
  withRetry,
  type Clock,
  type Outcome,
} from '../src/http.js';
import { USER_AGENT } from '../src/version.js';
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

  const rateLimited = (): Outcome<string> => ({
    ok: false,
    retryable: true,
    message: '20 messages a minute per robot',
    retryAfterMs: 60_000,
    waitAtLeast: true,
  });

  it('waits a rate-limit window in full, past the 30 s cap, when it fits the budget', async () => {
    const clock = fakeClock();
    const answers = [rateLimited(), { ok: true as const, value: 'ok' }];
    // Budget: max(60 s, 30 s × 4) = 120 s.
    const result = await withRetry(async () => answers.shift()!, { retries: 3, timeoutMs: 30_000 }, clock);
    expect(clock.waits).toEqual([60_000]);
    expect(result).toEqual({ outcome: { ok: true, value: 'ok' }, attempts: 2, ms: 60_000 });
  });

  it('fails at once, without a sooner retry, when the rate-limit window does not fit the budget', async () => {
    const clock = fakeClock();
    const result = await withRetry(async () => rateLimited(), { retries: 3, timeoutMs: 10_000 }, clock);
    expect(clock.waits).toEqual([]);
    expect(result).toEqual({ outcome: rateLimited(), attempts: 1, ms: 0 });
  });

  it('redacts the final failure message with the policy redact', async () => {
    const clock = fakeClock();
    const result = await withRetry(
      async (): Promise<Outcome<string>> => ({ ok: false, retryable: false, message: 'bad token tok-123456' }),
      { retries: 1, timeoutMs: 1000, redact: (text) => text.replaceAll('tok-123456', '***') },
      clock,
    );
    expect(result.outcome).toEqual({ ok: false, retryable: false, message: 'bad token ***' });
  });

  it('turns an exception thrown by an attempt into a final failure of that call', async () => {
    const clock = fakeClock();
    const result = await withRetry<string>(
      async () => {
        throw new TypeError('e.trim is not a function');
      },
      { retries: 2, timeoutMs: 1000 },
      clock,
    );
    expect(result).toEqual({
      outcome: { ok: false, retryable: false, message: 'unexpected failure: e.trim is not a function' },
      attempts: 1,
      ms: 0,
    });
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

/** A loopback server answering every request with `answer`; records the request headers. */
async function serve(answer: (res: import('node:http').ServerResponse) => void): Promise<{
  url: string;
  headers: IncomingHttpHeaders[];
  close: () => Promise<void>;
}> {
  const headers: IncomingHttpHeaders[] = [];
  const server: Server = createHttpServer((req, res) => {
    headers.push(req.headers);
    req.resume();
    req.on('end', () => answer(res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    headers,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('fetchOnce: what every request carries', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  it('sends User-Agent workflow-notify/<version> and Accept-Encoding identity unless set', async () => {
    const server = await serve((res) => res.end('ok'));
    closers.push(server.close);
    await fetchOnce({ method: 'POST', url: server.url, headers: {} }, 2000);
    await fetchOnce(
      { method: 'POST', url: server.url, headers: { 'user-agent': 'mine/1', 'accept-encoding': 'gzip' } },
      2000,
    );
    expect(USER_AGENT).toMatch(/^workflow-notify\/\d+\.\d+\.\d+/);
    expect(server.headers.map((h) => [h['user-agent'], h['accept-encoding'], h.connection])).toEqual([
      [USER_AGENT, 'identity', 'close'],
      ['mine/1', 'gzip', 'close'],
    ]);
  });

  const text = 'Zadig says {"errcode":0,"errmsg":"ok"} '.repeat(20);
  it.each([
    ['gzip', gzipSync(text)],
    ['x-gzip', gzipSync(text)],
    ['deflate', deflateSync(text)],
    ['deflate', deflateRawSync(text)],
    ['br', brotliCompressSync(text)],
    ['zstd', zstdCompressSync(text)],
    ['gzip, br', brotliCompressSync(gzipSync(text))],
    ['identity', Buffer.from(text)],
  ])('decodes an answer with Content-Encoding %s', async (encoding, body) => {
    const server = await serve((res) => {
      res.writeHead(200, { 'Content-Encoding': encoding });
      res.end(body);
    });
    closers.push(server.close);
    const answer = await fetchOnce({ method: 'POST', url: server.url, headers: {} }, 2000);
    expect(answer.ok && answer.value.text).toBe(text);
  });

  it('keeps at most 4 MiB of a compressed bomb and still answers', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 'a'));
    const server = await serve((res) => {
      res.writeHead(200, { 'Content-Encoding': 'gzip' });
      res.end(bomb);
    });
    closers.push(server.close);
    const answer = await fetchOnce({ method: 'POST', url: server.url, headers: {} }, 5000);
    expect(answer.ok && answer.value.text.length).toBe(4 * 1024 * 1024);
  });

  it('reads a corrupt compressed answer as the part that decodes, not as a failure', async () => {
    const server = await serve((res) => {
      res.writeHead(200, { 'Content-Encoding': 'gzip' });
      res.end('not gzip at all');
    });
    closers.push(server.close);
    const answer = await fetchOnce({ method: 'POST', url: server.url, headers: {} }, 2000);
    expect(answer.ok && answer.value).toMatchObject({ status: 200, text: '' });
  });
});

describe('fetchOnce: nothing it is given makes it throw', () => {
  it.each([
    [
      { 'X-Token': 'abc\n' },
      'the value of header "X-Token" cannot be sent (a line break, control character or character outside Latin-1)',
    ],
    [
      { 'X-Name': '张三' },
      'the value of header "X-Name" cannot be sent (a line break, control character or character outside Latin-1)',
    ],
    [
      { 'X-Name': 'a\u0000b' },
      'the value of header "X-Name" cannot be sent (a line break, control character or character outside Latin-1)',
    ],
    [{ 'Bad Name': 'x' }, '"Bad Name" is not a valid header name'],
    [{ 'X-\nInjected': 'x' }, '"X-?Injected" is not a valid header name'],
  ])('refuses headers %j before sending, as a final failure naming the header', async (headers, message) => {
    const receiver = await startReceiver();
    const answer = await fetchOnce({ method: 'POST', url: receiver.url, headers }, 2000);
    await receiver.close();
    expect(answer).toEqual({ ok: false, retryable: false, message });
    expect(receiver.requests).toEqual([]);
  });

  it('accepts a Latin-1 header value (é)', async () => {
    const receiver = await startReceiver();
    const answer = await fetchOnce({ method: 'POST', url: receiver.url, headers: { 'X-Name': 'José' } }, 2000);
    await receiver.close();
    expect(answer.ok).toBe(true);
    expect(Buffer.from(receiver.requests[0]!.headers['x-name'] as string, 'latin1').toString('latin1')).toBe('José');
  });

  it.each([
    [{ method: 'POST', url: 'not a url', headers: {} }, 'not a valid address'],
    [{ method: 'POST', url: 'ftp://127.0.0.1/x', headers: {} }, 'not an http or https address'],
    [{ method: 'PO ST', url: 'http://127.0.0.1:1/', headers: {} }, 'not a valid HTTP method'],
    [{ method: '', url: 'http://127.0.0.1:1/', headers: {} }, 'not a valid HTTP method'],
    [{ method: 'POST', url: 'http://127.0.0.1:1/', headers: null }, 'the request could not be made (UNKNOWN)'],
    [
      { method: 'POST', url: 'http://127.0.0.1:1/', headers: {}, body: 42 },
      'the request could not be made (ERR_INVALID_ARG_TYPE)',
    ],
  ])('gives a final failure for %j', async (request, message) => {
    const answer = await fetchOnce(request as never, 2000);
    expect(answer).toEqual({ ok: false, retryable: false, message });
  });

  it('redacts the answer text and error messages before returning them', async () => {
    const receiver = await startReceiver([{ status: 401, body: 'bad token s3cr3t-token-value' }]);
    const redact = (t: string) => t.replaceAll('s3cr3t-token-value', '***');
    const answer = await fetchOnce({ method: 'POST', url: receiver.url, headers: {} }, 2000, { redact });
    await receiver.close();
    expect(answer.ok && answer.value.text).toBe('bad token ***');
    const failed = await fetchOnce({ method: 'POST', url: 'http://s3cr3t-token-value:x/', headers: {} }, 2000, {
      redact,
    });
    expect(failed).toEqual({ ok: false, retryable: false, message: 'not a valid address' });
    const refused = await fetchOnce({ method: 'POST', url: 'http://127.0.0.1:1/', headers: {} }, 2000, {
      redact: (t) => t.replaceAll('refused', '***'),
    });
    expect(refused).toEqual({ ok: false, retryable: true, message: 'the connection was *** (ECONNREFUSED)' });
  });
});

describe('secretsOfRequest', () => {
  it('lists every header value but the harmless ones, bearer and basic tokens and their parts, URL credentials', () => {
    const basic = Buffer.from('ann:pa55:word').toString('base64');
    expect(
      secretsOfRequest({
        method: 'POST',
        url: 'https://bot:p%40ss@hooks.example.com/x',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'x',
          Accept: 'application/json',
          'Accept-Language': 'en',
          'X-Zadig-Event': 'Workflow',
          'X-Zadig-Event-UUID': 'u',
          'X-Zadig-Webhook-UUID': 'w',
          'X-Zadig-Instance': 'i',
          'Content-Length': '9',
          'X-Workflow-Notify-Test': 'true',
          Authorization: 'Bearer t-abc.def',
          'Proxy-Authorization': `Basic ${basic}`,
          'X-Api-Key': ' 987654321 ',
          'X-Other': 'Bearer other-token',
        },
      }),
    ).toEqual([
      'Bearer t-abc.def',
      't-abc.def',
      `Basic ${basic}`,
      basic,
      'ann:pa55:word',
      'ann',
      'pa55:word',
      '987654321',
      'Bearer other-token',
      'other-token',
      'bot',
      'p%40ss',
      'p@ss',
      'bot:p@ss',
    ]);
  });
});

describe('proxies from the environment', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    useProxyFromEnv({});
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  /** A loopback forward proxy: absolute-URI requests for http, CONNECT tunnels for https. */
  async function startProxy(): Promise<{ url: string; seen: string[] }> {
    const seen: string[] = [];
    const tunnels = new Set<import('node:stream').Duplex>();
    const server = createHttpServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers['proxy-authorization'] ?? '-'}`);
      const upstream = new URL(req.url ?? '');
      const forward = connect(Number(upstream.port), upstream.hostname, () => {
        forward.write(
          `${req.method} ${upstream.pathname} HTTP/1.1\r\nHost: ${upstream.host}\r\nConnection: close\r\n\r\n`,
        );
      });
      let answer = '';
      forward.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
      forward.on('end', () => {
        res.socket?.end(answer);
      });
    });
    server.on('connect', (req, socket) => {
      seen.push(`CONNECT ${req.url}`);
      const [host, port] = (req.url ?? '').split(':');
      tunnels.add(socket);
      const tunnel = connect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection established\r\n\r\n');
        tunnel.pipe(socket);
        socket.pipe(tunnel);
      });
      tunnel.on('error', () => socket.destroy());
      socket.on('error', () => tunnel.destroy());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(
      () =>
        new Promise<void>((r) => {
          for (const socket of tunnels) socket.destroy();
          server.closeAllConnections();
          server.close(() => r());
        }),
    );
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
  }

  it('sends http requests through HTTP_PROXY (any case) with no other setting, and names its credentials', async () => {
    const proxy = await startProxy();
    const receiver = await startReceiver([{ body: 'through' }]);
    closers.push(receiver.close);
    const withAuth = proxy.url.replace('http://', 'http://me:p%40ss@');
    expect(useProxyFromEnv({ http_proxy: withAuth })).toEqual({
      secrets: ['me', 'p%40ss', 'me', 'p@ss', 'me:p@ss'],
      problems: [],
    });
    const answer = await fetchOnce({ method: 'GET', url: `${receiver.url}/hook`, headers: {} }, 2000);
    expect(answer.ok && answer.value.text).toBe('through');
    expect(proxy.seen).toEqual([`GET ${receiver.url}/hook Basic ${Buffer.from('me:p@ss').toString('base64')}`]);
  });

  it('tunnels https requests through HTTPS_PROXY with CONNECT', async () => {
    const proxy = await startProxy();
    // Any TCP listener will do: the tunnel is what is checked (the TLS handshake then fails).
    const tls = createServer((socket) => socket.destroy());
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => tls.close(() => r())));
    const port = (tls.address() as AddressInfo).port;
    useProxyFromEnv({ HTTPS_PROXY: proxy.url });
    const answer = await fetchOnce({ method: 'POST', url: `https://127.0.0.1:${port}/x`, headers: {} }, 2000);
    expect(answer.ok).toBe(false);
    expect(proxy.seen).toEqual([`CONNECT 127.0.0.1:${port}`]);
  });

  it.each([['NO_PROXY'], ['no_proxy']])('sends directly to hosts listed in %s', async (name) => {
    const proxy = await startProxy();
    const receiver = await startReceiver([{ body: 'direct' }]);
    closers.push(receiver.close);
    useProxyFromEnv({ HTTP_PROXY: proxy.url, [name]: 'example.com,127.0.0.1' });
    const answer = await fetchOnce({ method: 'GET', url: receiver.url, headers: {} }, 2000);
    expect(answer.ok && answer.value.text).toBe('direct');
    expect(proxy.seen).toEqual([]);
  });

  it('ignores an unusable proxy variable, saying which, and still registers its credentials', async () => {
    const receiver = await startReceiver([{ body: 'direct' }]);
    closers.push(receiver.close);
    expect(useProxyFromEnv({ HTTPS_PROXY: 'http://u:pw-secret@[bad', NO_PROXY: '*' })).toEqual({
      secrets: ['u:pw-secret', 'u', 'pw-secret'],
      problems: ['HTTPS_PROXY is not a valid proxy address; it is ignored'],
    });
    const answer = await fetchOnce({ method: 'GET', url: receiver.url, headers: {} }, 2000);
    expect(answer.ok && answer.value.text).toBe('direct');
  });
});
