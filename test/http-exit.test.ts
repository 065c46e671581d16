// fetchOnce keeps nothing alive after its answer: no kept-alive socket, no timer, even when the
// name lookup never answers. Its own file, so no other test's sockets are counted.
import { describe, expect, it } from 'vitest';
import { fetchOnce } from '../src/http.js';
import { startReceiver } from './helpers/receiver.js';

/** The kinds of handles that keep the process alive (the terminal and pipes aside), sorted. */
function liveHandles(): string[] {
  return process
    .getActiveResourcesInfo()
    .filter((kind) => kind !== 'TTYWrap' && kind !== 'PipeWrap')
    .sort();
}

/** The handles in `now` beyond those in `allowed` (each kind counted). */
function extra(now: string[], allowed: string[]): string[] {
  const left = [...allowed];
  return now.filter((kind) => {
    const at = left.indexOf(kind);
    if (at < 0) return true;
    left.splice(at, 1);
    return false;
  });
}

/** Waits (up to 2 s) until no handle beyond `allowed` is live; returns the ones still beyond. */
async function leftBeyond(allowed: string[]): Promise<string[]> {
  const until = Date.now() + 2000;
  for (;;) {
    const beyond = extra(liveHandles(), allowed);
    if (beyond.length === 0 || Date.now() > until) return beyond;
    await new Promise((r) => setTimeout(r, 10).unref());
  }
}

/** The live handles once they stop changing (what earlier tests closed has gone). */
async function stable(): Promise<string[]> {
  let last = liveHandles();
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 50).unref());
    const now = liveHandles();
    if (JSON.stringify(now) === JSON.stringify(last)) return now;
    last = now;
  }
  return last;
}

describe('fetchOnce leaves nothing running', () => {
  it('closes its socket and timer with the answer, while the server stays up', async () => {
    const baseline = await stable();
    const receiver = await startReceiver([{ body: 'done' }]);
    const answer = await fetchOnce({ method: 'POST', url: receiver.url, headers: {} }, 30_000);
    expect(answer.ok && answer.value.text).toBe('done');
    // Only the listening server remains: the connection closed from our side, no 30 s timer.
    expect(await leftBeyond([...baseline, 'TCPServerWrap'])).toEqual([]);
    await receiver.close();
  });

  it('ends an attempt whose name lookup never answers at the timeout, leaving no socket or timer', async () => {
    const baseline = await stable();
    const answer = await fetchOnce({ method: 'POST', url: 'http://dead-dns.invalid/', headers: {} }, 300, {
      lookup: () => undefined,
    });
    expect(answer).toEqual({ ok: false, retryable: true, message: 'no answer within 0.3 s' });
    expect(await leftBeyond(baseline)).toEqual([]);
  });
});
