import { afterEach, describe, expect, it } from 'vitest';
import { deliver, type TokenCache } from '../../src/deliver.js';
import { TARGETS } from '../../src/targets/index.js';
import { ALL_TARGETS } from '../helpers/targets.js';
import type { BuildInput } from '../../src/targets/types.js';
import { fixtureContext, fixtureInput, fixtureTarget, MEMBERS } from '../helpers/fixtures.js';
import { startWeComApi, type WeComApi, type WeComApiOptions } from '../helpers/wecom-api.js';
import { send } from './helpers.js';

const servers: WeComApi[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const CORP = 'ww7f3c2a1b0d9e8f70';
const SECRET = 'wcS3cret-Abcdefghijklmnopqrstuvwxyz012345';
const USERS: WeComApiOptions['users'] = [
  { userid: 'AnnLee', email: 'ann@corp.example' },
  { userid: 'bob', mobile: '13800000002' },
  { userid: 'lead', personalEmail: 'lead@gmail.example' },
  { userid: 'temp', email: 'temp@corp.example', licensed: false },
];

async function api(options: Partial<WeComApiOptions> = {}): Promise<WeComApi> {
  const server = await startWeComApi({ corpId: CORP, corpSecret: SECRET, agentId: 1000002, users: USERS, ...options });
  servers.push(server);
  return server;
}

function input(server: WeComApi, fields: Record<string, unknown> = {}): BuildInput {
  return fixtureInput(
    fixtureTarget({
      type: 'wecom-app',
      corpId: CORP,
      agentId: '1000002',
      appSecret: SECRET,
      apiUrl: server.url,
      receivers: ['$creator'],
      ...fields,
    }),
  );
}

/** The reason alone: deliver.ts adds "(after N attempts)" counting every request of a send target. */
const reason = (error: string | null) => (error ?? '').replace(/ \(after \d+ attempts\)$/, '');

const TOKEN = (n: number) => `wc-acc3ss-t0ken-${n}-${'x'.repeat(40)}`;

describe('wecom-app', () => {
  it('sends a direct message to $creator through members, the token a secret from the moment it arrives', async () => {
    const server = await api();
    const { result, secrets } = await send(input(server));
    expect(result).toMatchObject({
      state: 'sent',
      error: null,
      attempts: 2,
      receivers: [{ receiver: '$creator (AnnLee)', ok: true }],
      ref: { msgid: 'msg-1' },
    });
    expect(server.calls).toEqual(['message/send']);
    expect(server.sent).toHaveLength(1);
    const body = server.sent[0] as { touser: string; agentid: number; markdown: { content: string } };
    expect(body.touser).toBe('AnnLee');
    expect(body.agentid).toBe(1000002);
    expect(body.markdown.content.split('\n')[0]).toBe('### <font color="warning">❌ Workflow CI #47 failed</font>');
    expect(secrets).toContain(TOKEN(1));
    expect(server.requests[1]!.url).toBe(`/cgi-bin/message/send?access_token=${TOKEN(1)}`);
  });

  it('looks up emails (corporate, then personal) and mobiles, and sends ONE message to all', async () => {
    const server = await api();
    const { result } = await send(input(server, { receivers: ['$ann', '$bob', 'lead@gmail.example', '13800000002'] }));
    expect(result).toMatchObject({ state: 'sent', attempts: 5 });
    expect(result.receivers).toEqual([
      { receiver: '$ann (AnnLee)', ok: true },
      { receiver: '$bob (…0002)', ok: true },
      { receiver: '…@gmail.example', ok: true },
    ]);
    expect(server.calls.sort()).toEqual([
      'message/send',
      'user/get_userid_by_email',
      'user/get_userid_by_email',
      'user/getuserid',
    ]);
    const emailTypes = server.requests
      .filter((r) => r.url.includes('get_userid_by_email'))
      .map((r) => JSON.parse(r.body) as { email: string; email_type: number });
    expect(emailTypes).toEqual([
      { email: 'lead@gmail.example', email_type: 1 },
      { email: 'lead@gmail.example', email_type: 2 },
    ]);
    expect(server.sent.map((b) => b.touser)).toEqual(['AnnLee|bob|lead']);
  });

  it('delivers to the others and fails the target naming only who did not get it, and why', async () => {
    const server = await api();
    const { result, warnings } = await send(
      input(server, {
        receivers: ['$ann', 'ghost@corp.example', '13900000009', 'NoSuchUser', 'temp@corp.example', '$carol'],
      }),
    );
    expect(result.state).toBe('failed');
    expect(server.sent.map((b) => b.touser)).toEqual(['AnnLee|NoSuchUser|temp']);
    expect(result.receivers).toEqual([
      { receiver: '$ann (AnnLee)', ok: true },
      { receiver: '…@corp.example', ok: false, error: 'WeCom found no member by this email' },
      { receiver: '…0009', ok: false, error: 'WeCom found no member by this mobile' },
      {
        receiver: 'NoSuchUser',
        ok: false,
        error: "WeCom did not deliver to NoSuchUser (invaliduser): no such member, or outside the app's visible range",
      },
      {
        receiver: '…@corp.example',
        ok: false,
        error: 'WeCom did not deliver to temp (unlicenseduser): the member has no licence for this app',
      },
      { receiver: '$carol', ok: false, error: 'carol is not in members' },
    ]);
    expect(reason(result.error)).toBe(
      "5 of 6 receivers did not get it: …@corp.example: WeCom found no member by this email; …0009: WeCom found no member by this mobile; NoSuchUser: WeCom did not deliver to NoSuchUser (invaliduser): no such member, or outside the app's visible range; …@corp.example: WeCom did not deliver to temp (unlicenseduser): the member has no licence for this app; $carol: carol is not in members",
    );
    expect(result.error).not.toMatch(/ghost|13900000009/);
    expect(warnings).toEqual(['wecom-app "wecom-app#0": cannot send to $carol: carol is not in members']);
  });

  it('fails every receiver when WeCom finds none of them valid (81013)', async () => {
    const server = await api();
    const { result } = await send(input(server, { receivers: ['Nobody'] }));
    expect(result.state).toBe('failed');
    expect(reason(result.error)).toBe(
      "Nobody: WeCom did not deliver to Nobody (invaliduser): no such member, or outside the app's visible range",
    );
    expect(server.sent).toEqual([]);
  });

  it('reports wrong credentials in one line, without retrying, looking anyone up or printing the secret', async () => {
    const server = await api();
    const wrong = await send(input(server, { appSecret: 'wrong-secret-0123456789', receivers: ['$ann', '$bob'] }));
    expect(wrong.result).toMatchObject({
      state: 'failed',
      attempts: 1,
      failure: { kind: 'refused', code: '40001' },
      error:
        "WeCom authentication rejected the message (40001 invalid credential, hint: [1732250000_7_3f9c40001], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=40001): check app-secret: it is the app's own Secret, shown in the app's page",
    });
    expect(wrong.result.receivers).toBeUndefined();
    expect(server.calls).toEqual([]);
    const corp = await send(input(server, { corpId: 'wwnope' }));
    expect(corp.result.error).toMatch(
      /^WeCom authentication rejected the message \(40013 invalid corpid, .*\): check corp-id/,
    );
    expect(JSON.stringify([wrong, corp])).not.toContain('wrong-secret-0123456789');
  });

  it('explains 60020: the caller must be on the trusted IP list, which takes a self-hosted runner', async () => {
    const server = await api({ trustedIp: false });
    const { result } = await send(input(server, { receivers: ['$ann', 'bob'] }));
    expect(result).toMatchObject({ state: 'failed', attempts: 2, failure: { kind: 'refused', code: '60020' } });
    expect(reason(result.error)).toBe(
      "WeCom rejected the message (60020 not allow to access from your ip, hint: [1732250000_7_3f9c60020], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=60020): the caller's IP is not on the app's trusted IP list (企业可信IP): add the runner's address there; hosted runners' addresses change, so this needs a self-hosted runner with a fixed address",
    );
    expect(result.receivers).toEqual([
      { receiver: '$ann (AnnLee)', ok: false, error: expect.stringContaining('60020') },
      { receiver: 'bob', ok: false, error: expect.stringContaining('60020') },
    ]);
  });

  it('fetches the token again once when WeCom says it expired (42001)', async () => {
    const server = await api({ expireFirstToken: true });
    const { result, secrets } = await send(input(server, { receivers: ['$ann'] }));
    expect(result).toMatchObject({ state: 'sent', attempts: 4 });
    expect(server.tokenRequests()).toBe(2);
    expect(server.requests.at(-1)!.url).toBe(`/cgi-bin/message/send?access_token=${TOKEN(2)}`);
    expect(secrets).toEqual(expect.arrayContaining([TOKEN(1), TOKEN(2)]));
  });

  it('retries the 45009 rate limit after a backoff (fake clock)', async () => {
    const server = await api({
      firstSends: [
        {
          body: JSON.stringify({
            errcode: 45009,
            errmsg: 'api freq out of limit, hint: [1732250000_7_3f9c45009], from ip: 127.0.0.1',
          }),
        },
      ],
    });
    const waits: number[] = [];
    let now = 0;
    const clock = { now: () => now, random: () => 0.5, sleep: async (ms: number) => void waits.push((now += ms)) };
    const delivery = input(server, { receivers: ['$ann'] });
    const { result } = await deliver(
      { target: delivery.target, definition: ALL_TARGETS['wecom-app']!, events: ['failed'], input: delivery },
      { retries: 2, timeoutSeconds: 5 },
      new Map(),
      { warning: () => {}, secret: () => {} },
      clock,
    );
    expect(result).toMatchObject({ state: 'sent', attempts: 3 });
    expect(waits).toEqual([750]);
    expect(server.sent).toHaveLength(1);
  });

  it('fetches one token for two targets of the same app', async () => {
    const server = await api();
    const tokens: TokenCache = new Map();
    const [a, b] = await Promise.all([
      send(input(server, { name: 'a', receivers: ['$ann'] }), tokens),
      send(input(server, { name: 'b', receivers: ['$bob'] }), tokens),
    ]);
    expect([a.result.state, b.result.state]).toEqual(['sent', 'sent']);
    expect(server.tokenRequests()).toBe(1);
  });

  it('keeps the markdown within 2,048 bytes, cut with a marker', async () => {
    const server = await api();
    const jobs = Array.from({ length: 40 }, (_, i) => ({
      name: `job ${i} ${'长'.repeat(60)}`,
      displayName: `job ${i} ${'长'.repeat(60)}`,
      type: 'github-actions',
      status: 'passed',
      startTime: 0,
      endTime: 0,
      error: '',
    }));
    const big = fixtureInput(input(server).target, 'passed', fixtureContext({ stages: [{ name: 'big', jobs }] }));
    const { result } = await send(big);
    expect(result.state).toBe('sent');
    const content = (server.sent[0] as { markdown: { content: string } }).markdown.content;
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(2048);
    expect(Buffer.byteLength(content)).toBeGreaterThan(1900);
    expect(content).toContain('…(truncated)');
    expect(content.endsWith('[Click for more information](https://github.com/acme/shop/actions/runs/8123456789)')).toBe(
      true,
    );
  });

  it('in a dry run shows every request, tokens as placeholders, and lists the look-ups without making them', async () => {
    const server = await api();
    const delivery = input(server, { receivers: ['$ann', '$bob', 'lead@gmail.example'] });
    const { result, preview } = await deliver(
      { target: delivery.target, definition: ALL_TARGETS['wecom-app']!, events: ['failed'], input: delivery },
      { retries: 2, timeoutSeconds: 5, dryRun: true },
      new Map(),
      { warning: () => {}, secret: () => {} },
    );
    expect(result.state).toBe('dry-run');
    expect(server.requests).toEqual([]);
    expect(preview!.requests.map((r) => `${r.method} ${r.url.replace(server.url, '')}`)).toEqual([
      `GET /cgi-bin/gettoken?corpid=${CORP}&corpsecret=${SECRET}`,
      'POST /cgi-bin/user/getuserid?access_token=ACCESS_TOKEN',
      'POST /cgi-bin/user/get_userid_by_email?access_token=ACCESS_TOKEN',
      'POST /cgi-bin/message/send?access_token=ACCESS_TOKEN',
    ]);
    expect(JSON.parse(preview!.requests[3]!.body!).touser).toBe(
      'AnnLee|<userid of $bob (…0002)>|<userid of …@gmail.example>',
    );
    expect(preview!.lines).toEqual([
      'looked up when sending (not in a dry run): $bob (…0002) by mobile, …@gmail.example by email',
      'an email not found as a corporate one is tried as personal',
    ]);
  });

  it('finds $creator by email in a shell run, where there is no CI login', async () => {
    const server = await api();
    const context = fixtureContext({ creator: { login: 'Ann Lee', id: '', email: 'ann@corp.example' } });
    const members = { annl: { ...MEMBERS.ann!, wecom: '' } };
    const { result } = await send(fixtureInput(input(server).target, 'failed', context, members));
    expect(result).toMatchObject({ state: 'sent', receivers: [{ receiver: '$creator (…@corp.example)', ok: true }] });
    expect(server.sent.map((b) => b.touser)).toEqual(['AnnLee']);
  });

  it('refuses an agent-id that is not digits when the config loads', () => {
    expect(TARGETS['wecom-app']!.validate!({ 'agent-id': 'app-1' })).toEqual([
      { field: 'agent-id', problem: "expected the app's AgentId: digits, such as 1000002" },
    ]);
    expect(TARGETS['wecom-app']!.validate!({ 'agent-id': '1000002' })).toEqual([]);
  });
});
