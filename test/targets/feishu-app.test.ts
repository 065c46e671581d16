import { afterEach, describe, expect, it } from 'vitest';
import { deliver, type TokenCache } from '../../src/deliver.js';
import { ALL_TARGETS } from '../helpers/targets.js';
import type { BuildInput } from '../../src/targets/types.js';
import {
  CONTACT_SCOPE,
  SEND_SCOPE,
  startFeishuApi,
  type FeishuApi,
  type FeishuApiOptions,
} from '../helpers/feishu-api.js';
import { fixtureContext, fixtureInput, fixtureTarget, MEMBERS } from '../helpers/fixtures.js';
import { send } from './helpers.js';

const servers: FeishuApi[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const APP = 'cli_a1b2c3d4e5f6';
const SECRET = 'fsAppS3cret-0123456789abcdef';
const USERS: FeishuApiOptions['users'] = [
  { open_id: 'ou_ann', email: 'ann@corp.example', mobile: '13800000001' },
  { open_id: 'ou_bob', mobile: '13800000002' },
  { open_id: 'ou_intl', mobile: '+8613900000003' },
  { open_id: 'ou_lee', email: 'lee@corp.example' },
];

async function api(options: Partial<FeishuApiOptions> = {}): Promise<FeishuApi> {
  const server = await startFeishuApi({ appId: APP, appSecret: SECRET, users: USERS, chats: ['oc_ops'], ...options });
  servers.push(server);
  return server;
}

function input(server: FeishuApi, fields: Record<string, unknown> = {}, members = MEMBERS): BuildInput {
  const target = fixtureTarget({
    type: 'feishu-app',
    appId: APP,
    appSecret: SECRET,
    domain: server.url,
    receivers: ['$creator'],
    ...fields,
  });
  return fixtureInput(target, 'failed', fixtureContext(), members);
}

/** The reason alone: deliver.ts adds "(after N attempts)" counting every request of a send target. */
const reason = (error: string | null) => (error ?? '').replace(/ \(after \d+ attempts\)$/, '');
const TOKEN = (n: number) => `t-g104${n}qeGEDXTB6NDJOGV4JQX4HPTATZUXPVWQHBX`;

describe('feishu-app', () => {
  it('sends $creator a direct message by its feishu open_id, as an editable card, and keeps the message id', async () => {
    const server = await api();
    const { result, secrets } = await send(input(server));
    expect(result).toMatchObject({
      state: 'sent',
      attempts: 2,
      receivers: [{ receiver: '$creator (ou_ann)', ok: true }],
      ref: { messages: [{ to: expect.stringMatching(/^[0-9a-f]{16}$/), id: 'om_1' }] },
    });
    expect(server.sent.map((m) => `${m.receive_id_type}:${m.receive_id}`)).toEqual(['open_id:ou_ann']);
    expect(server.sent[0]!.card.config).toEqual({ wide_screen_mode: true, update_multi: true });
    expect(new Set(secrets)).toEqual(new Set([TOKEN(1), `Bearer ${TOKEN(1)}`]));
  });

  it('posts to a chat', async () => {
    const server = await api();
    const { result } = await send(input(server, { receivers: ['oc_ops'] }));
    expect(result).toMatchObject({ state: 'sent', receivers: [{ receiver: 'oc_ops', ok: true }] });
    expect(server.sent.map((m) => `${m.receive_id_type}:${m.receive_id}`)).toEqual(['chat_id:oc_ops']);
  });

  it('reaches members by email and by mobile, and mobile: entries, looking all mobiles up in one call', async () => {
    const server = await api();
    const members = { ...MEMBERS, lee: { email: 'lee@corp.example' } };
    const { result } = await send(
      input(server, { receivers: ['$bob', '$lee', 'mobile:+8613900000003', 'mobile:13800000002'] }, members),
    );
    expect(result).toMatchObject({ state: 'sent', attempts: 5 });
    expect(result.receivers).toEqual([
      { receiver: '$bob (…0002)', ok: true },
      { receiver: '$lee (…@corp.example)', ok: true },
      { receiver: '…0003', ok: true },
    ]);
    expect(server.calls).toEqual([
      'contact/v3/users/batch_get_id',
      'im/v1/messages',
      'im/v1/messages',
      'im/v1/messages',
    ]);
    expect(JSON.parse(server.requests[1]!.body)).toEqual({ mobiles: ['13800000002', '+8613900000003'] });
    expect(server.requests[1]!.url).toBe('/open-apis/contact/v3/users/batch_get_id?user_id_type=open_id');
    expect(server.sent.map((m) => `${m.receive_id_type}:${m.receive_id}`)).toEqual([
      'open_id:ou_bob',
      'email:lee@corp.example',
      'open_id:ou_intl',
    ]);
  });

  it('looks up 50 mobiles a call', async () => {
    const many = Array.from({ length: 51 }, (_, i) => ({ open_id: `ou_${i}`, mobile: String(13700000000 + i) }));
    const server = await api({ users: many });
    const { result } = await send(input(server, { receivers: many.map((u) => `mobile:${u.mobile}`) }));
    expect(result.state).toBe('sent');
    const lookups = server.requests.filter((r) => r.url.includes('batch_get_id'));
    expect(lookups.map((r) => (JSON.parse(r.body) as { mobiles: string[] }).mobiles.length)).toEqual([50, 1]);
    expect(server.sent).toHaveLength(51);
  });

  it('delivers to the others and fails the target naming only the receiver nobody has', async () => {
    const server = await api();
    const { result } = await send(input(server, { receivers: ['oc_ops', '$ann', 'mobile:13900000009'] }));
    expect(result.state).toBe('failed');
    expect(server.sent.map((m) => m.receive_id)).toEqual(['oc_ops', 'ou_ann']);
    expect(result.receivers).toEqual([
      { receiver: 'oc_ops', ok: true },
      { receiver: '$ann (ou_ann)', ok: true },
      { receiver: '…0009', ok: false, error: "Feishu found no user by this mobile in the app's range" },
    ]);
    expect(reason(result.error)).toBe(
      "1 of 3 receivers did not get it: …0009: Feishu found no user by this mobile in the app's range",
    );
    expect((result.ref as { messages: { id: string }[] }).messages.map((m) => m.id)).toEqual(['om_1', 'om_2']);
  });

  it('names the chat the bot is not in and the member missing from members', async () => {
    const server = await api();
    const { result, warnings } = await send(input(server, { receivers: ['oc_other', '$ann', '$carol'] }));
    expect(reason(result.error)).toBe(
      '2 of 3 receivers did not get it: oc_other: Feishu rejected the message (230002 Bot/User can NOT be out of the chat.): add the app (bot) to the chat; $carol: carol is not in members',
    );
    expect(warnings).toEqual(['feishu-app "feishu-app#0": cannot send to $carol: carol is not in members']);
  });

  it('reports a wrong app secret in one line, without retrying or sending, and never prints the secret', async () => {
    const server = await api();
    const { result } = await send(input(server, { appSecret: 'not-the-secret-42', receivers: ['oc_ops', '$bob'] }));
    expect(result).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: 'Feishu app authentication rejected the message (10014 app secret invalid): check app-id and app-secret',
    });
    expect(result.receivers).toBeUndefined();
    expect(server.calls).toEqual([]);
    expect(JSON.stringify(result)).not.toContain('not-the-secret-42');
  });

  it('names the permission the app lacks: contact:user.id:readonly for look-ups', async () => {
    const server = await api({ scopes: [SEND_SCOPE] });
    const { result } = await send(input(server, { receivers: ['oc_ops', '$bob'] }));
    expect(result.receivers).toEqual([
      { receiver: 'oc_ops', ok: true },
      {
        receiver: '$bob (…0002)',
        ok: false,
        error: `Feishu mobile lookup rejected the message (99991672 Access denied. One of the following scopes is required: [${CONTACT_SCOPE}].应用尚未开通所需的应用身份权限：[${CONTACT_SCOPE}]): give the app the ${CONTACT_SCOPE} permission`,
      },
    ]);
  });

  it('names the permission the app lacks: im:message:send_as_bot for sending', async () => {
    const server = await api({ scopes: [CONTACT_SCOPE] });
    const { result } = await send(input(server, { receivers: ['oc_ops'] }));
    expect(reason(result.error)).toBe(
      `oc_ops: Feishu rejected the message (99991672 Access denied. One of the following scopes is required: [${SEND_SCOPE}].应用尚未开通所需的应用身份权限：[${SEND_SCOPE}]): give the app the ${SEND_SCOPE} permission`,
    );
  });

  it('fetches the tenant token again once when Feishu refuses it mid-run (99991663)', async () => {
    const server = await api({ expireFirstToken: true });
    const { result, secrets } = await send(input(server, { receivers: ['oc_ops'] }));
    expect(result).toMatchObject({ state: 'sent', attempts: 4 });
    expect(server.tokenRequests()).toBe(2);
    expect(server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${TOKEN(2)}`);
    expect(secrets).toEqual(expect.arrayContaining([TOKEN(1), TOKEN(2)]));
  });

  it('waits for x-ogw-ratelimit-reset on the 99991400 rate limit (fake clock)', async () => {
    const server = await api({
      firstMessages: [
        {
          status: 400,
          body: JSON.stringify({ code: 99991400, msg: 'request trigger frequency limit' }),
          headers: { 'Content-Type': 'application/json', 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': '2' },
        },
      ],
    });
    const waits: number[] = [];
    let now = 0;
    const clock = { now: () => now, random: () => 0.5, sleep: async (ms: number) => void waits.push((now += ms)) };
    const delivery = input(server, { receivers: ['oc_ops'] });
    const { result } = await deliver(
      { target: delivery.target, definition: ALL_TARGETS['feishu-app']!, events: ['failed'], input: delivery },
      { retries: 2, timeoutSeconds: 5 },
      new Map(),
      { warning: () => {}, secret: () => {} },
      clock,
    );
    expect(result).toMatchObject({ state: 'sent', attempts: 3 });
    expect(waits).toEqual([2000]);
  });

  it('fetches one tenant token for two targets of the same app', async () => {
    const server = await api();
    const tokens: TokenCache = new Map();
    const [a, b] = await Promise.all([
      send(input(server, { name: 'a', receivers: ['oc_ops'] }), tokens),
      send(input(server, { name: 'b', receivers: ['$bob'] }), tokens),
    ]);
    expect([a.result.state, b.result.state]).toEqual(['sent', 'sent']);
    expect(server.tokenRequests()).toBe(1);
  });

  it('in a dry run shows every request with the token as a placeholder, and lists look-ups without making them', async () => {
    const server = await api();
    const delivery = input(server, { receivers: ['oc_ops', '$bob'] });
    const { preview } = await deliver(
      { target: delivery.target, definition: ALL_TARGETS['feishu-app']!, events: ['failed'], input: delivery },
      { retries: 2, timeoutSeconds: 5, dryRun: true },
      new Map(),
      { warning: () => {}, secret: () => {} },
    );
    expect(server.requests).toEqual([]);
    expect(preview!.requests.map((r) => `${r.method} ${r.url.replace(server.url, '')}`)).toEqual([
      'POST /open-apis/auth/v3/tenant_access_token/internal',
      'POST /open-apis/contact/v3/users/batch_get_id?user_id_type=open_id',
      'POST /open-apis/im/v1/messages?receive_id_type=chat_id',
      'POST /open-apis/im/v1/messages?receive_id_type=open_id',
    ]);
    expect(preview!.requests[1]!.headers.Authorization).toBe('Bearer <tenant_access_token>');
    expect(JSON.parse(preview!.requests[3]!.body!).receive_id).toBe('<open_id of $bob (…0002)>');
    expect(preview!.lines).toEqual(['looked up when sending (not in a dry run): $bob (…0002) by mobile']);
  });
});
