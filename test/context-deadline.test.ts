// Reading the context is bounded as a whole (SPEC §14: at most 60 s), whatever each page does:
// issue 11 item 17, where slow pages added up to minutes.
import { afterEach, describe, expect, it } from 'vitest';
import { boundedReader, CONTEXT_READ_MS } from '../src/context/deadline.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';

let server: Receiver | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const policy = { retries: 2, timeoutMs: 30_000, backoffMs: 1 };

describe('the context read limit', () => {
  it('is 60 s', () => {
    expect(CONTEXT_READ_MS).toBe(60_000);
  });

  it('reads nothing more once the limit has passed', async () => {
    server = await startReceiver([{ body: '[]', headers: { 'Content-Type': 'application/json' } }]);
    let now = 1_000;
    const reader = boundedReader(CONTEXT_READ_MS, () => now);
    expect(await reader.get(`${server.url}/first`, {}, policy)).toMatchObject({ ok: true });
    now += CONTEXT_READ_MS;
    expect(await reader.get(`${server.url}/second`, {}, policy)).toEqual({
      ok: false,
      failure: { status: 0, message: 'not read within the 60 s limit for reading the context' },
    });
    expect(server.requests.map((r) => r.url)).toEqual(['/first']);
  });

  it('ends a page that never answers at the limit, though its own attempts would allow more', async () => {
    server = await startReceiver([{ hang: true }]);
    const reader = boundedReader(200);
    expect(await reader.get(`${server.url}/slow`, {}, policy)).toEqual({
      ok: false,
      failure: { status: 0, message: 'not read within the 0.2 s limit for reading the context' },
    });
  });
});
