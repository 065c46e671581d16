// dingtalk-app through dist/index.js: a DM to the run's creator by mobile and a chat, on GitHub
// and on GitLab; refused credentials are one line, and neither the secret nor a fetched token is
// ever printed.
import { afterEach, describe, expect, it } from 'vitest';
import { startDingTalkApi, type DingTalkApi } from '../helpers/dingtalk-api.js';
import { example } from '../helpers/examples.js';
import { gitlabEnv } from '../helpers/gitlab-api.js';
import { githubEnv, runDist, type RunResult } from '../helpers/run-dist.js';

const APP = { appKey: 'dingE2eAppKey', appSecret: 'e2e-DingTalkAppS3cret-value', robotCode: 'dingE2eAppKey' };

let api: DingTalkApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function start(): Promise<DingTalkApi> {
  api = await startDingTalkApi({
    ...APP,
    mobiles: { '13900000001': 'coder_dd', '13900000002': 'ann_dd' },
    chats: ['cidOps=='],
  });
  return api;
}

const targets = (secret: string, receivers: string) =>
  `- {name: dd, type: dingtalk-app, app-key: ${APP.appKey}, app-secret: "${secret}", robot-code: ${APP.robotCode}, api-url: "${api!.url}", receivers: "${receivers}"}`;

function printed(run: RunResult): string {
  return [run.stdout, run.stderr, run.summary, ...Object.values(run.outputs)].join('\n');
}

describe('dingtalk-app through dist', () => {
  it('on GitHub: DMs the creator found by mobile, sends to a chat, one line each', async () => {
    await start();
    const run = await runDist({
      env: githubEnv({
        INPUT_STATUS: 'failure',
        INPUT_MEMBERS: 'Codertocat: {mobile: "13900000001"}',
        INPUT_TARGETS: targets(APP.appSecret, '$creator;chat:cidOps=='),
      }),
      event: example('push'),
    });
    expect(run.code).toBe(0);
    expect(api!.sent.map((s) => s.body.userIds ?? s.body.openConversationId)).toEqual([['coder_dd'], 'cidOps==']);
    expect(run.stdout).toMatch(
      /^✓ dingtalk-app "dd" delivered in \d+ ms\n {4}✓ \$creator \(…0001\)\n {4}✓ chat:cidOps==$/m,
    );
    const [result] = JSON.parse(run.outputs.results!) as { state: string; receivers: unknown[] }[];
    expect(result).toMatchObject({
      state: 'sent',
      receivers: [
        { receiver: '$creator (…0001)', ok: true },
        { receiver: 'chat:cidOps==', ok: true },
      ],
    });
    // The fetched token is masked as soon as it arrives, and shown nowhere else.
    const token = api!.tokens[0]!;
    const visible = printed(run)
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    expect(run.stdout).toContain(`::add-mask::${token}`);
    expect(visible).not.toContain(token);
    expect(visible).not.toContain(APP.appSecret);
    // The log shows a mobile by its last four digits (the payload output carries the creator's phone).
    expect(run.stdout).not.toContain('13900000001');
  });

  it('on GitLab: DMs the creator by member id; one receiver unknown fails alone', async () => {
    await start();
    const run = await runDist({
      env: gitlabEnv('http://127.0.0.1:9', {
        NOTIFY_STATUS: 'failed',
        NOTIFY_MEMBERS: 'ann: {dingtalk: ann_dd}',
        NOTIFY_TARGETS: targets(APP.appSecret, '$creator;13900000077'),
      }),
    });
    expect(run.code).toBe(0);
    expect(api!.sent.map((s) => s.body.userIds)).toEqual([['ann_dd']]);
    expect(run.stdout).toContain(
      'warning: ✗ dingtalk-app "dd" failed: 1 of 2 receivers did not get it: …0077: no DingTalk user has this mobile (60121)',
    );
    expect(run.stdout).toMatch(
      /^ {4}✓ \$creator \(ann_dd\)\n {4}✗ …0077: no DingTalk user has this mobile \(60121\)$/m,
    );
    expect(printed(run)).not.toContain(api!.tokens[0]!);
    expect(printed(run)).not.toContain(APP.appSecret);
    expect(run.stdout).not.toContain('13900000077');
  });

  it('on GitLab: refused credentials are one line, not retried, and never printed', async () => {
    await start();
    const wrong = 'e2e-Wrong-DingTalkS3cret';
    const run = await runDist({
      env: gitlabEnv('http://127.0.0.1:9', {
        NOTIFY_STATUS: 'failed',
        NOTIFY_TARGETS: targets(wrong, '$creator;chat:cidOps=='),
      }),
    });
    expect(run.code).toBe(0);
    expect(api!.calls).toEqual(['/v1.0/oauth2/accessToken']);
    expect(run.stdout.split('\n').filter((l) => l.includes('dingtalk-app'))).toEqual([
      'warning: ✗ dingtalk-app "dd" failed: DingTalk refused the app credentials (invalidClientIdOrSecret 无效的clientId或者clientSecret): check app-key and app-secret',
    ]);
    expect(printed(run)).not.toContain(wrong);
  });
});
