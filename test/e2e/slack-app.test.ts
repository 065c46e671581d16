// slack-app through dist/index.js: a DM to the run's creator and a channel, on GitHub and on
// GitLab, with per-receiver lines and outputs; a refused token is one line and never printed.
import { afterEach, describe, expect, it } from 'vitest';
import { example } from '../helpers/examples.js';
import { gitlabEnv } from '../helpers/gitlab-api.js';
import { githubEnv, runDist, type RunResult } from '../helpers/run-dist.js';
import { startSlackApi, type SlackApi } from '../helpers/slack-api.js';

const TOKEN = 'xoxb-2468-1357-e2eSlackT0ken';

let api: SlackApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function start(): Promise<SlackApi> {
  api = await startSlackApi({
    token: TOKEN,
    users: { 'coder@corp.example': 'U0CODER', 'ann@corp.example': 'U0ANN' },
    channels: ['C0OPS'],
  });
  return api;
}

const targets = (token: string, receivers: string) =>
  `- {name: sl, type: slack-app, token: "${token}", api-url: "${api!.url}", receivers: "${receivers}"}`;

function printed(run: RunResult): string {
  return [run.stdout, run.stderr, run.summary, ...Object.values(run.outputs)].join('\n');
}

describe('slack-app through dist', () => {
  it('on GitHub: DMs the creator found through members, posts to a channel, one line each', async () => {
    await start();
    const run = await runDist({
      env: githubEnv({
        INPUT_STATUS: 'failure',
        INPUT_MEMBERS: 'Codertocat: {email: coder@corp.example}',
        INPUT_TARGETS: targets(TOKEN, '$creator;C0OPS'),
      }),
      event: example('push'),
    });
    expect(run.code).toBe(0);
    expect(api!.calls).toEqual(['users.lookupByEmail', 'conversations.open', 'chat.postMessage', 'chat.postMessage']);
    expect(api!.posted.map((p) => p.channel)).toEqual(['D0CODER', 'C0OPS']);
    expect(run.stdout).toMatch(
      /^✓ slack-app "sl" delivered in \d+ ms\n {4}✓ \$creator \(…@corp\.example\)\n {4}✓ C0OPS$/m,
    );
    const [result] = JSON.parse(run.outputs.results!) as { state: string; receivers: unknown[] }[];
    expect(result).toMatchObject({
      state: 'sent',
      receivers: [
        { receiver: '$creator (…@corp.example)', ok: true },
        { receiver: 'C0OPS', ok: true },
      ],
    });
    const refs = JSON.parse(Buffer.from(run.outputs['message-refs']!, 'base64url').toString('utf8'));
    expect(refs).toEqual({ sl: api!.posted.map(({ channel, ts }) => ({ channel, ts })) });
    expect(run.stdout).toContain(`::add-mask::${TOKEN}`);
  });

  it('on GitLab: DMs the creator by its member id', async () => {
    await start();
    const run = await runDist({
      env: gitlabEnv('http://127.0.0.1:9', {
        NOTIFY_STATUS: 'failed',
        NOTIFY_MEMBERS: 'ann: {slack: U0ANN}',
        NOTIFY_TARGETS: targets(TOKEN, '$creator'),
      }),
    });
    expect(run.code).toBe(0);
    expect(api!.posted.map((p) => p.channel)).toEqual(['D0ANN']);
    expect(run.stdout).toMatch(/^✓ slack-app "sl" delivered in \d+ ms\n {4}✓ \$creator \(U0ANN\)$/m);
    expect(printed(run)).not.toContain(TOKEN);
  });

  it('on GitLab: a refused token is one line, not retried, and never printed', async () => {
    await start();
    const wrong = 'xoxb-9999-8888-WrongT0kenValue';
    const run = await runDist({
      env: gitlabEnv('http://127.0.0.1:9', {
        NOTIFY_STATUS: 'failed',
        NOTIFY_FAIL_ON_ERROR: 'true',
        NOTIFY_TARGETS: targets(wrong, 'C0OPS;U0ANN'),
      }),
    });
    expect(run.code).toBe(1);
    expect(api!.calls).toEqual(['chat.postMessage']);
    expect(run.stdout.split('\n').filter((l) => l.includes('slack-app'))).toEqual([
      'error: ✗ slack-app "sl" failed: Slack refused chat.postMessage (invalid_auth): the token is not valid: set token to the Bot User OAuth Token (xoxb-…)',
    ]);
    expect(printed(run)).not.toContain(wrong);
    expect(printed(run)).not.toContain('WrongT0ken');
  });
});
