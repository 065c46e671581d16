// Faults, through dist/index.js: each ends with the right number of attempts, within the time
// budget, in one clear line, without touching the other targets, and with the exit code that
// fail-on-error asks for. Every server here is on loopback and stops with its test.
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { example } from '../helpers/examples.js';
import { startReceiver, type Receiver, type Reply } from '../helpers/receiver.js';
import { githubEnv, runDist, type RunResult } from '../helpers/run-dist.js';
import { discordRateLimit, startDiscord } from '../helpers/vendors.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function receiver(reply: Reply[] | ((r: unknown, i: number) => Reply)): Promise<Receiver> {
  const server = await startReceiver(reply as Reply[]);
  closers.push(() => server.close());
  return server;
}

/** A raw TCP server: `onConnection` decides what the socket does. */
async function tcp(onConnection: (socket: import('node:net').Socket) => void): Promise<string> {
  const server: Server = createNetServer(onConnection);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** One failing target `bad` beside a healthy one `good`. */
async function runWith(
  badUrl: string,
  env: Record<string, string> = {},
  execArgv: string[] = [],
): Promise<{ result: RunResult; good: Receiver }> {
  const good = await receiver([{}]);
  const result = await runDist({
    env: githubEnv({
      INPUT_STATUS: 'failure',
      INPUT_TARGETS: `- {type: webhook, name: bad, webhook: "${badUrl}"}\n- {type: webhook, name: good, webhook: "${good.url}/ok"}`,
      ...env,
    }),
    event: example('push'),
    execArgv,
  });
  return { result, good };
}

function resultOf(run: RunResult, name: string): { ok: boolean; attempts: number; ms: number; error: string | null } {
  return JSON.parse(run.outputs.results!).find((r: { name: string }) => r.name === name);
}

function failureLines(run: RunResult): string[] {
  return run.stdout.split('\n').filter((l) => l.includes('✗'));
}

describe('faults', () => {
  it('a receiver that never answers: attempts = retries + 1, each cut at timeout-seconds', async () => {
    const hang = await receiver([{ hang: true }]);
    const { result, good } = await runWith(`${hang.url}/h`, { 'INPUT_TIMEOUT-SECONDS': '0.4', INPUT_RETRIES: '2' });
    expect(resultOf(result, 'bad')).toMatchObject({
      ok: false,
      attempts: 3,
      error: 'no answer within 0.4 s (after 3 attempts)',
    });
    expect(failureLines(result)).toEqual([
      '::warning::✗ webhook "bad" failed: no answer within 0.4 s (after 3 attempts)',
    ]);
    expect(good.requests).toHaveLength(1);
    expect(result.code).toBe(0);
  });

  it('a connection reset: retried, then one line; exit 1 with fail-on-error', async () => {
    const url = await tcp((socket) => socket.resetAndDestroy());
    const { result, good } = await runWith(url, { INPUT_RETRIES: '1', 'INPUT_FAIL-ON-ERROR': 'true' });
    const bad = resultOf(result, 'bad');
    expect(bad.attempts).toBe(2);
    expect(bad.error).toMatch(
      /^the connection (was reset \(ECONNRESET\)|closed before an answer \(UND_ERR_SOCKET\)) \(after 2 attempts\)$/,
    );
    expect(failureLines(result)).toHaveLength(1);
    expect(failureLines(result)[0]).toMatch(/^::error::✗ webhook "bad" failed: /);
    expect(good.requests).toHaveLength(1);
    expect(result.code).toBe(1);
  });

  it('an answer dribbled byte by byte: delivered when it ends in time, a timeout when not', async () => {
    const slow = (bytes: number, gapMs: number) =>
      tcp((socket) => {
        socket.once('data', () => {
          socket.write(
            'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ' + bytes + '\r\nConnection: close\r\n\r\n',
          );
          let sent = 0;
          const timer = setInterval(() => {
            if (socket.destroyed || sent === bytes) return clearInterval(timer);
            socket.write('x');
            sent++;
            if (sent === bytes) socket.end();
          }, gapMs);
          socket.on('close', () => clearInterval(timer));
        });
      });
    const inTime = await runWith(await slow(5, 50), { 'INPUT_TIMEOUT-SECONDS': '2', INPUT_RETRIES: '0' });
    expect(resultOf(inTime.result, 'bad')).toMatchObject({ ok: true, attempts: 1 });
    const tooSlow = await runWith(await slow(40, 50), { 'INPUT_TIMEOUT-SECONDS': '0.5', INPUT_RETRIES: '0' });
    expect(resultOf(tooSlow.result, 'bad')).toMatchObject({ ok: false, attempts: 1, error: 'no answer within 0.5 s' });
    expect(tooSlow.good.requests).toHaveLength(1);
  });

  it.each([500, 502, 503, 504])('HTTP %i is retried, then reported with its body', async (status) => {
    const server = await receiver([{ status, body: `upstream said ${status}` }]);
    const { result, good } = await runWith(`${server.url}/h`, { INPUT_RETRIES: '1' });
    expect(server.requests).toHaveLength(2);
    expect(resultOf(result, 'bad').error).toMatch(
      new RegExp(`^HTTP ${status} [A-Za-z ]+: upstream said ${status} \\(after 2 attempts\\)$`),
    );
    expect(good.requests).toHaveLength(1);
  });

  it('429 with Retry-After in seconds waits that long, then delivers', async () => {
    const server = await receiver([{ status: 429, headers: { 'Retry-After': '1' }, body: 'slow down' }, {}]);
    const { result } = await runWith(`${server.url}/h`);
    const bad = resultOf(result, 'bad');
    expect(bad).toMatchObject({ ok: true, attempts: 2 });
    expect(bad.ms).toBeGreaterThanOrEqual(1000);
    expect(bad.ms).toBeLessThan(2500);
  });

  it('429 with Retry-After as an HTTP date waits until then, then delivers', async () => {
    const server = await receiver((_r: unknown, i: number) =>
      i === 0 ? { status: 429, headers: { 'Retry-After': new Date(Date.now() + 2000).toUTCString() } } : {},
    );
    const { result } = await runWith(`${server.url}/h`);
    const bad = resultOf(result, 'bad');
    expect(bad).toMatchObject({ ok: true, attempts: 2 });
    // HTTP dates have whole seconds: the wait is between 1 and 2 s.
    expect(bad.ms).toBeGreaterThanOrEqual(900);
    expect(bad.ms).toBeLessThan(3000);
  });

  it("Discord's retry_after (in the body) is honoured", async () => {
    const discord = await startDiscord({ id: '1234567890123456789', token: 'tok', first: [discordRateLimit] });
    closers.push(() => discord.close());
    const good = await receiver([{}]);
    const result = await runDist({
      env: githubEnv({
        INPUT_STATUS: 'success',
        INPUT_TARGETS: `- {type: discord, name: dc, webhook: "${discord.webhook}"}\n- {type: webhook, name: good, webhook: "${good.url}/ok"}`,
      }),
      event: example('push'),
    });
    expect(resultOf(result, 'dc')).toMatchObject({ ok: true, attempts: 2 });
    expect(resultOf(result, 'dc').ms).toBeLessThan(1000);
  });

  it('a TLS server with an untrusted certificate: not retried, one line naming the problem', async () => {
    const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
    const server = createHttpsServer(
      { key: readFileSync(`${fixtures}localhost-key.pem`), cert: readFileSync(`${fixtures}localhost-cert.pem`) },
      (_q, s) => s.end('ok'),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    const { result, good } = await runWith(`https://127.0.0.1:${(server.address() as AddressInfo).port}/h`);
    expect(resultOf(result, 'bad')).toMatchObject({
      ok: false,
      attempts: 1,
      error: "the server's TLS certificate is self-signed (not trusted) (DEPTH_ZERO_SELF_SIGNED_CERT)",
    });
    expect(good.requests).toHaveLength(1);
  });

  it('a name that does not resolve: not retried, one line', async () => {
    const preload = fileURLToPath(new URL('../fixtures/no-dns-for-invalid.mjs', import.meta.url));
    const { result, good } = await runWith('https://hooks.example.invalid/h', {}, ['--import', preload]);
    expect(resultOf(result, 'bad')).toMatchObject({
      ok: false,
      attempts: 1,
      error: 'the host name does not resolve (ENOTFOUND)',
    });
    expect(good.requests).toHaveLength(1);
  });

  it('20 targets, half of them failing: the other half is delivered, each failure in one line', async () => {
    const ok = await receiver([{ delayMs: 100 }]);
    const refused = await receiver([{ status: 404, body: 'no such hook', delayMs: 100 }]);
    const targets = Array.from(
      { length: 20 },
      (_, i) => `- {type: webhook, name: t${i}, webhook: "${i % 2 ? refused.url : ok.url}/h${i}"}`,
    );
    const started = Date.now();
    const result = await runDist({
      env: githubEnv({ INPUT_STATUS: 'success', INPUT_TARGETS: targets.join('\n'), 'INPUT_FAIL-ON-ERROR': 'true' }),
      event: example('push'),
    });
    expect(result.outputs).toMatchObject({ sent: '10', failed: '10', skipped: '0' });
    expect(ok.requests).toHaveLength(10);
    expect(failureLines(result)).toHaveLength(10);
    expect(failureLines(result)[0]).toBe('::error::✗ webhook "t1" failed: HTTP 404 Not Found: no such hook');
    expect(result.code).toBe(1);
    // All at once: about one 100 ms answer, not twenty.
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
