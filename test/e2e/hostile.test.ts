// Hostile answers and inputs, through dist/index.js: each promise of SPEC §6, §7 and §14 that the
// transport, redaction, glob, config file and YAML code keeps. Every server is on loopback.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';
import { example } from '../helpers/examples.js';
import { githubEnv, runDist, type RunResult } from '../helpers/run-dist.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A DingTalk stand-in that answers with `body` compressed as `encoding`; records headers. */
async function compressingDingTalk(
  encoding: 'gzip' | 'br',
  body: unknown,
): Promise<{ webhook: string; headers: IncomingHttpHeaders[] }> {
  const headers: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    headers.push(req.headers);
    req.resume();
    req.on('end', () => {
      const text = JSON.stringify(body);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': encoding });
      res.end(encoding === 'gzip' ? gzipSync(text) : brotliCompressSync(text));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { webhook: `http://127.0.0.1:${port}/robot/send?access_token=dd0token0123456789`, headers };
}

function results(run: RunResult): { name: string; ok: boolean; skipped: boolean; error: string | null }[] {
  return JSON.parse(run.outputs.results!);
}

describe('hostile answers and inputs', () => {
  it('reads a compressed vendor answer (gzip, br) and sends User-Agent and Accept-Encoding: identity', async () => {
    const accepting = await compressingDingTalk('gzip', { errcode: 0, errmsg: 'ok' });
    const refusing = await compressingDingTalk('br', { errcode: 310000, errmsg: 'keywords not in content' });
    const run = await runDist({
      env: githubEnv({
        INPUT_STATUS: 'success',
        INPUT_TARGETS: [
          `- {type: dingtalk, name: accepting, webhook: "${accepting.webhook}"}`,
          `- {type: dingtalk, name: refusing, webhook: "${refusing.webhook}"}`,
        ].join('\n'),
      }),
      event: example('push'),
    });
    expect(
      results(run).map((r) => [r.name, r.ok, r.error?.startsWith('DingTalk rejected the message (310000') ?? null]),
    ).toEqual([
      ['accepting', true, null],
      ['refusing', false, true],
    ]);
    for (const headers of [...accepting.headers, ...refusing.headers]) {
      expect([headers['user-agent'], headers['accept-encoding']]).toEqual([`workflow-notify/${VERSION}`, 'identity']);
    }
  });

  it('matches a branch glob in linear time: a pattern of 8 stars against a 70-character branch', async () => {
    // A backtracking matcher needed 8 s for 53 characters and 4× more every 8: minutes here, so the
    // test's own time limit fails it; a linear one answers at once.
    const branch = `x${'-'.repeat(67)}/y`;
    expect(branch).toHaveLength(70);
    const run = await runDist({
      env: githubEnv({
        GITHUB_REF: `refs/heads/${branch}`,
        GITHUB_REF_NAME: branch,
        INPUT_STATUS: 'success',
        INPUT_TARGETS: `- {type: webhook, name: globbed, branches: "*-*-*-*-*-*-*-*", webhook: "http://127.0.0.1:9/never"}`,
      }),
      event: example('push'),
    });
    expect(results(run)).toEqual([
      {
        name: 'globbed',
        type: 'webhook',
        state: 'skipped',
        ok: false,
        skipped: true,
        error: null,
        reason: `ref "${branch}" does not match branches *-*-*-*-*-*-*-*`,
        attempts: 0,
        ms: 0,
      },
    ]);
  });
});
