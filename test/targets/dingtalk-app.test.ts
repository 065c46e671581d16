// dingtalk-app against a loopback DingTalk (new and old APIs): DMs through members and mobiles,
// chats, batches of 20, one result per receiver, the token fetched once per run and again once
// when it expires, refused credentials never retried, and the QPS limits waited out.
import { afterEach, describe, expect, it } from 'vitest';
import { deliver, type TokenCache } from '../../src/deliver.js';
import { dingtalkAppMessage, dingtalkBases } from '../../src/targets/dingtalk-app.js';
import { TARGETS } from '../../src/targets/index.js';
import { ALL_TARGETS } from '../helpers/targets.js';
import type { BuildInput } from '../../src/targets/types.js';
import { startDingTalkApi, type DingTalkApi, type DingTalkApiOptions } from '../helpers/dingtalk-api.js';
import { fixtureContext, fixtureInput, fixtureTarget, MEMBERS } from '../helpers/fixtures.js';
import { send } from './helpers.js';

const APP = { appKey: 'dingk3yApp01', appSecret: 'dingS3cret-AppSecretValue', robotCode: 'dingk3yApp01' };
const TOKEN_PATH = '/v1.0/oauth2/accessToken';
const BATCH = '/v1.0/robot/oToMessages/batchSend';
const GROUP = '/v1.0/robot/groupMessages/send';
const LOOKUP = '/topapi/v2/user/getbymobile';

let api: DingTalkApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function start(options: Partial<DingTalkApiOptions> = {}): Promise<DingTalkApi> {
  api = await startDingTalkApi({
    ...APP,
    mobiles: { '13800000002': 'bob_dd' },
    users: ['ann_dd', 'carl_dd'],
    chats: ['cidOps=='],
    ...options,
  });
  return api;
}

function input(receivers: string[], extra: Record<string, unknown> = {}): BuildInput {
  return fixtureInput(fixtureTarget({ type: 'dingtalk-app', ...APP, receivers, apiUrl: api!.url, ...extra }));
}

/** The error without deliver's "(after N attempts)", which counts every call of an app target. */
const withoutAttempts = (error: string | null) => error?.replace(/ \(after \d+ attempts\)$/, '');

/** Delivers with a fake clock that records each wait. */
async function withClock(sent: BuildInput) {
  const waits: number[] = [];
  let now = 0;
  const clock = { now: () => now, random: () => 0.5, sleep: async (ms: number) => void waits.push((now += ms)) };
  const { result } = await deliver(
    { target: sent.target, definition: ALL_TARGETS['dingtalk-app']!, events: ['failed'], input: sent },
    { retries: 2, timeoutSeconds: 5 },
    new Map(),
    { warning: () => {}, secret: () => {} },
    clock,
  );
  return { result, waits };
}

describe('dingtalk-app', () => {
  it('messages $creator directly: the token, then one batchSend with the member id', async () => {
    await start();
    const sent = input(['$creator']);
    const { result, secrets } = await send(sent);
    expect(result).toMatchObject({ state: 'sent', error: null, attempts: 2 });
    expect(api!.calls).toEqual([TOKEN_PATH, BATCH]);
    expect(JSON.parse(api!.requests[0]!.body)).toEqual({ appKey: APP.appKey, appSecret: APP.appSecret });
    const batch = api!.requests[1]!;
    expect(batch.headers['x-acs-dingtalk-access-token']).toBe(api!.tokens[0]);
    expect(batch.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(batch.body)).toEqual({
      robotCode: APP.robotCode,
      userIds: ['ann_dd'],
      ...dingtalkAppMessage(sent.message),
    });
    expect(api!.sent[0]!.param).toMatchObject({
      title: '❌ Workflow CI #47 failed',
      singleTitle: 'Click for more information',
      singleURL: 'https://github.com/acme/shop/actions/runs/8123456789',
    });
    expect(String(api!.sent[0]!.param.text)).toMatch(/^### ❌ Workflow CI #47 failed\n\n- \*\*Executor\*\*: ann\n/);
    expect(result.receivers).toEqual([{ receiver: '$creator (ann_dd)', ok: true }]);
    // The token is a secret from the moment it arrives.
    expect(secrets).toContain(api!.tokens[0]);
  });

  it('looks a mobile up through the old API and sends to a chat', async () => {
    await start();
    const { result } = await send(input(['$bob', 'chat:cidOps==']));
    expect(result.state).toBe('sent');
    expect(api!.calls).toEqual([TOKEN_PATH, LOOKUP, BATCH, GROUP]);
    expect(api!.requests[1]!.url).toBe(`${LOOKUP}?access_token=${api!.tokens[0]}`);
    expect(JSON.parse(api!.requests[1]!.body)).toEqual({ mobile: '13800000002' });
    expect(api!.sent.map((s) => s.body.userIds ?? s.body.openConversationId)).toEqual([['bob_dd'], 'cidOps==']);
    expect(result.receivers).toEqual([
      { receiver: '$bob (…0002)', ok: true },
      { receiver: 'chat:cidOps==', ok: true },
    ]);
  });

  it('delivers to the others when some receivers are unknown, and fails naming only those', async () => {
    await start({ flowControlled: ['carl_dd'] });
    const { result } = await send(input(['$ann', '13800000099', 'ghost_dd', 'carl_dd', 'chat:cidGone', '$carol']));
    expect(api!.sent.map((s) => s.body.userIds ?? s.body.openConversationId)).toEqual([
      ['ann_dd', 'ghost_dd', 'carl_dd'],
    ]);
    expect(result.state).toBe('failed');
    expect(result.receivers).toEqual([
      { receiver: '$ann (ann_dd)', ok: true },
      { receiver: '…0099', ok: false, error: 'no DingTalk user has this mobile (60121)' },
      {
        receiver: 'ghost_dd',
        ok: false,
        error: 'DingTalk listed this user in invalidStaffIdList: not a member the app can reach',
      },
      {
        receiver: 'carl_dd',
        ok: false,
        error: 'DingTalk listed this user in flowControlledStaffIdList: flow control held the message',
      },
      {
        receiver: 'chat:cidGone',
        ok: false,
        error: 'DingTalk refused the chat message (resource.not.found 机器人不在群内或群不存在)',
      },
      { receiver: '$carol', ok: false, error: 'carol is not in members' },
    ]);
    expect(withoutAttempts(result.error)).toBe(
      '5 of 6 receivers did not get it: …0099: no DingTalk user has this mobile (60121); ghost_dd: DingTalk listed this user in invalidStaffIdList: not a member the app can reach; carl_dd: DingTalk listed this user in flowControlledStaffIdList: flow control held the message; chat:cidGone: DingTalk refused the chat message (resource.not.found 机器人不在群内或群不存在); $carol: carol is not in members',
    );
    expect(result.error).not.toContain('13800000099');
  });

  it('sends at most 20 user ids a call', async () => {
    const many = Array.from({ length: 25 }, (_, i) => `u${i}`);
    await start({ users: many });
    const { result } = await send(input(many));
    expect(result.state).toBe('sent');
    expect(api!.sent.map((s) => (s.body.userIds as string[]).length)).toEqual([20, 5]);
    expect(result.receivers).toHaveLength(25);
  });

  it('refuses wrong credentials in one line, without retrying and without a receiver line', async () => {
    await start();
    const { result } = await send(
      fixtureInput(
        fixtureTarget({
          type: 'dingtalk-app',
          ...APP,
          appSecret: 'wrong-secret',
          receivers: ['$ann'],
          apiUrl: api!.url,
        }),
      ),
    );
    expect(result).toMatchObject({ state: 'failed', attempts: 1 });
    expect(result.error).toBe(
      'DingTalk refused the app credentials (invalidClientIdOrSecret 无效的clientId或者clientSecret): check app-key and app-secret',
    );
    expect(result.receivers).toBeUndefined();
    expect(api!.calls).toEqual([TOKEN_PATH]);
  });

  it('fetches the token again once when DingTalk says it expired (new API)', async () => {
    await start({ expireAfter: 0 });
    const { result } = await send(input(['$ann']));
    expect(result).toMatchObject({ state: 'sent', attempts: 4 });
    expect(api!.calls).toEqual([TOKEN_PATH, BATCH, TOKEN_PATH, BATCH]);
    expect(api!.requests[3]!.headers['x-acs-dingtalk-access-token']).toBe(api!.tokens[1]);
  });

  it('fetches the token again once when the old API says it expired (42001)', async () => {
    await start({ expireAfter: 0 });
    const { result } = await send(input(['$bob']));
    expect(result.state).toBe('sent');
    expect(api!.calls).toEqual([TOKEN_PATH, LOOKUP, TOKEN_PATH, LOOKUP, BATCH]);
    expect(api!.tokens).toHaveLength(2);
  });

  it('fetches one token for two targets of the same app in a run', async () => {
    await start();
    const tokens: TokenCache = new Map();
    const first = await send(input(['$ann']), tokens);
    const second = await send(input(['chat:cidOps==']), tokens);
    expect([first.result.state, second.result.state]).toEqual(['sent', 'sent']);
    expect(api!.calls.filter((c) => c === TOKEN_PATH)).toHaveLength(1);
    expect(api!.requests.at(-1)!.headers['x-acs-dingtalk-access-token']).toBe(api!.tokens[0]);
  });

  it('waits 1 s after a 403 QpsLimitForAppkeyAndApi, then sends', async () => {
    await start({ qpsLimited: 1 });
    const { result, waits } = await withClock(input(['$ann']));
    expect(result).toMatchObject({ state: 'sent', attempts: 3 });
    expect(waits).toEqual([1000]);
    expect(api!.calls).toEqual([TOKEN_PATH, BATCH, BATCH]);
  });

  it('waits 1 s after the old API rate limit (90018), then looks up again', async () => {
    await start({ lookupsLimited: 1 });
    const { result, waits } = await withClock(input(['$bob']));
    expect(result.state).toBe('sent');
    expect(waits).toEqual([1000]);
    expect(api!.calls).toEqual([TOKEN_PATH, LOOKUP, LOOKUP, BATCH]);
  });

  it('shows every request in a dry run, the token and mobiles hidden, the look-ups not made', async () => {
    await start();
    const sent = input(['$ann', '$bob', 'chat:cidOps==', '$nobody']);
    const { result, preview } = await deliver(
      { target: sent.target, definition: ALL_TARGETS['dingtalk-app']!, events: ['failed'], input: sent },
      { retries: 2, timeoutSeconds: 5, dryRun: true },
      new Map(),
      { warning: () => {}, secret: () => {} },
    );
    expect(result.state).toBe('dry-run');
    expect(api!.requests).toEqual([]);
    expect(preview!.requests.map((r) => `${r.method} ${r.url.slice(api!.url.length)}`)).toEqual([
      `POST ${TOKEN_PATH}`,
      `POST ${LOOKUP}?access_token=%3CaccessToken%3E`,
      `POST ${BATCH}`,
      `POST ${GROUP}`,
    ]);
    expect(preview!.requests[1]!.body).toBe('{"mobile":"<mobile $bob (…0002)>"}');
    expect(JSON.parse(preview!.requests[2]!.body!).userIds).toEqual(['ann_dd', '<userid of $bob (…0002)>']);
    expect(preview!.requests[2]!.headers['x-acs-dingtalk-access-token']).toBe('<accessToken>');
    expect(JSON.stringify(preview)).not.toContain(MEMBERS.bob!.mobile);
    expect(preview!.lines).toEqual([
      '$bob (…0002): looked up with topapi/v2/user/getbymobile when sending (not in a dry run)',
    ]);
    expect(preview!.warnings).toEqual(['receiver $nobody is skipped: nobody is not in members']);
  });

  it('sends markdown without a button when the run has no address', async () => {
    await start();
    const sent = fixtureInput(
      fixtureTarget({ type: 'dingtalk-app', ...APP, receivers: ['$ann'], apiUrl: api!.url }),
      'failed',
      fixtureContext({ detailUrl: '' }),
    );
    const { result } = await send(sent);
    expect(result.state).toBe('sent');
    expect(api!.sent[0]!.body.msgKey).toBe('sampleMarkdown');
    expect(Object.keys(api!.sent[0]!.param)).toEqual(['title', 'text']);
  });

  it('sends the old API to oapi.dingtalk.com by default, and both under a configured api-url', () => {
    expect(dingtalkBases('https://api.dingtalk.com')).toEqual({
      api: 'https://api.dingtalk.com',
      oapi: 'https://oapi.dingtalk.com',
    });
    expect(dingtalkBases('https://dd-proxy.corp.example/')).toEqual({
      api: 'https://dd-proxy.corp.example',
      oapi: 'https://dd-proxy.corp.example',
    });
  });

  it('refuses a chat: receiver without an id when the config loads', () => {
    expect(TARGETS['dingtalk-app']!.validate!({ receivers: ['chat:', 'chat:cid1'] })).toEqual([
      { field: 'receivers', problem: 'chat: needs an openConversationId after it (chat:cid…)' },
    ]);
  });
});
