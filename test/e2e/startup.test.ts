// What one message loads, through dist/index.js (issue 12's budgets): Node's costly built-ins
// only when a run needs them, and the code of the one target type it sends to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { githubEnv, runDist, type RunResult } from '../helpers/run-dist.js';

/** Preloaded: at exit, the built-ins the process loaded, one line on stderr. */
const LOADED_BUILTINS = `data:text/javascript,process.on('exit', () => process.stderr.write('BUILTINS=' + process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)).join(',') + '\\n'));`;

function builtins(run: RunResult): string[] {
  return /^BUILTINS=(.*)$/m.exec(run.stderr)?.[1]?.split(',') ?? [];
}

let slack: Receiver;
let api: Receiver;
beforeAll(async () => {
  slack = await startReceiver([{ body: 'ok' }]);
  // A token without `actions: read`: every read of the run is refused.
  api = await startReceiver([{ status: 403, body: '{"message":"Resource not accessible by integration"}' }]);
});
afterAll(async () => {
  await Promise.all([slack.close(), api.close()]);
});

describe('one Slack message on GitHub', () => {
  it('loads neither node:crypto, the promises API of node:fs, TLS, zlib nor undici', async () => {
    const run = await runDist({
      env: githubEnv({
        GITHUB_API_URL: api.url,
        'INPUT_GITHUB-TOKEN': 'ghs_startup_test',
        INPUT_STATUS: 'success',
        INPUT_TYPE: 'slack',
        INPUT_WEBHOOK: `${slack.url}/services/T000/B000/XXXX`,
      }),
      execArgv: ['--import', LOADED_BUILTINS],
    });
    expect(run.code).toBe(0);
    expect(slack.requests).toHaveLength(1);
    const loaded = builtins(run);
    expect(loaded).toContain('http');
    for (const costly of ['crypto', 'internal/fs/promises', 'tls', 'https', 'zlib', 'internal/deps/undici/undici']) {
      expect(loaded, costly).not.toContain(costly);
    }
  });
});
