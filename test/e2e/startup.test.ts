// What one message loads, through dist/index.js (issue 12's budgets): Node's costly built-ins
// only when a run needs them, and the code of the one target type it sends to.
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { DIST, githubEnv, runDist, type RunResult } from '../helpers/run-dist.js';

/** Preloaded: at exit, the built-ins and the files of dist/ the process loaded, a line each on stderr. */
const LOADED = `data:text/javascript,${encodeURIComponent(`
  import { registerHooks } from 'node:module';
  const files = new Set();
  registerHooks({
    resolve(specifier, context, next) {
      const result = next(specifier, context);
      if (result.url.startsWith('file:')) files.add(result.url.slice(result.url.lastIndexOf('/') + 1));
      return result;
    },
  });
  process.on('exit', () => {
    const builtins = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13));
    process.stderr.write('BUILTINS=' + builtins.join(',') + '\\nFILES=' + [...files].join(',') + '\\n');
  });
`)}`;

function loaded(run: RunResult, what: 'BUILTINS' | 'FILES'): string[] {
  return new RegExp(`^${what}=(.*)$`, 'm').exec(run.stderr)?.[1]?.split(',') ?? [];
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
  let run: RunResult;
  beforeAll(async () => {
    run = await runDist({
      env: githubEnv({
        GITHUB_API_URL: api.url,
        'INPUT_GITHUB-TOKEN': 'ghs_startup_test',
        INPUT_STATUS: 'success',
        INPUT_TYPE: 'slack',
        INPUT_WEBHOOK: `${slack.url}/services/T000/B000/XXXX`,
      }),
      execArgv: ['--import', LOADED],
    });
  });

  it('is sent', () => {
    expect(run.code).toBe(0);
    expect(slack.requests).toHaveLength(1);
  });

  it('loads neither node:crypto, the promises API of node:fs, TLS, zlib nor undici', () => {
    const builtins = loaded(run, 'BUILTINS');
    expect(builtins).toContain('http');
    for (const costly of ['crypto', 'internal/fs/promises', 'tls', 'https', 'zlib', 'internal/deps/undici/undici']) {
      expect(builtins, costly).not.toContain(costly);
    }
  });

  it("loads Slack's code and no other target's, no library it does not use, and at most 150 KB of dist/", () => {
    const files = loaded(run, 'FILES');
    expect(files.filter((file) => /^slack-[\w]+\.js$/.test(file))).toHaveLength(1);
    const others =
      /^(feishu|feishu-app|dingtalk|dingtalk-app|wecom|wecom-app|teams|slack-app|discord|telegram|google-chat|mattermost|email|webhook|yaml|handlebars|nodemailer)-\w+\.js$/;
    expect(files.filter((file) => others.test(file))).toEqual([]);
    const bytes = files.reduce((sum, file) => sum + statSync(join(dirname(DIST), file)).size, 0);
    expect(bytes).toBeLessThanOrEqual(150_000);
  });
});
