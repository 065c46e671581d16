import { afterEach, describe, expect, it } from 'vitest';
import type { TokenCache } from '../../src/deliver.js';
import { feishuBase, parseReceiver } from '../../src/targets/feishu-app.js';
import { signFeishu } from '../../src/targets/feishu.js';
import { fixtureInput, fixtureTarget } from '../helpers/fixtures.js';
import { startFeishu, startFeishuApp, type Emulator } from '../helpers/vendors.js';
import { send } from './helpers.js';

const servers: Emulator[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function track<T extends Emulator>(server: Promise<T>): Promise<T> {
  const s = await server;
  servers.push(s);
  return s;
}

const HOOK = '0f5e6a1b-3c2d-4e5f-8a9b-0c1d2e3f4a5b';
type Card = {
  header: { template: string; title: { content: string } };
  elements: { tag: string; text?: { content: string }; actions?: { url: string }[] }[];
};

describe('feishu bot', () => {
  it('signs like Feishu: base64(HMAC-SHA256(key = ts + "\\n" + secret, message = "")) (same as Python hmac)', () => {
    expect(signFeishu('s3cr3t', 1732250000)).toBe('h2p74lwtBZ6tli/HwYj+kvqUVJ8+xdDyXMjLPPelyAY=');
  });

  it('delivers a signed interactive card coloured by status, with a details button', async () => {
    const vendor = await track(startFeishu({ hook: HOOK, secret: 's3cr3t', keywords: ['Workflow'] }));
    const { result } = await send({
      ...fixtureInput(fixtureTarget({ type: 'feishu', webhook: vendor.webhook, secret: 's3cr3t' })),
      now: Date.now(),
    });
    expect(result).toMatchObject({ state: 'sent', attempts: 1 });
    const body = vendor.accepted[0] as { msg_type: string; card: Card; timestamp: string; sign: string };
    expect(body.msg_type).toBe('interactive');
    expect(body.card.header).toEqual({
      template: 'red',
      title: { tag: 'plain_text', content: '❌ Workflow CI #47 failed' },
    });
    expect(body.card.elements[0]?.text?.content).toContain('- **Executor**: ann');
    expect(body.card.elements[1]?.actions?.[0]?.url).toBe('https://github.com/acme/shop/actions/runs/8123456789');
  });

  it.each([
    ['passed', 'green'],
    ['timeout', 'red'],
    ['cancelled', 'orange'],
    ['created', 'blue'],
  ])('colours a %s header %s', async (status, colour) => {
    const vendor = await track(startFeishu({ hook: HOOK }));
    await send(fixtureInput(fixtureTarget({ type: 'feishu', webhook: vendor.webhook }), status));
    expect((vendor.accepted[0] as { card: Card }).card.header.template).toBe(colour);
  });

  it('mentions with <at> tags and warns of a mobile it cannot mention', async () => {
    const vendor = await track(startFeishu({ hook: HOOK }));
    const target = fixtureTarget({
      type: 'feishu',
      webhook: vendor.webhook,
      at: ['all', '$ann', 'ou_x', 'ops@corp.example', '13900000000'],
    });
    const { warnings } = await send(fixtureInput(target));
    const content = (vendor.accepted[0] as { card: Card }).card.elements[0]?.text?.content ?? '';
    expect(
      content.endsWith(
        '<at id=all></at> <at id=ou_ann></at> <at id=ou_x></at> <at id=13900000000></at> <at email=ops@corp.example></at>',
      ),
    ).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('says what to fix for a bad signature and for a missing keyword, without retrying', async () => {
    const signed = await track(startFeishu({ hook: HOOK, secret: 's3cr3t' }));
    const bad = await send({
      ...fixtureInput(fixtureTarget({ type: 'feishu', webhook: signed.webhook, secret: 'wrong' })),
      now: Date.now(),
    });
    expect(bad.result).toMatchObject({
      attempts: 1,
      error:
        "Feishu rejected the message (19021 sign match fail or timestamp is not within one hour from current time): set secret to the bot's signing secret, and check the runner's clock (the timestamp must be within an hour)",
    });
    const keyworded = await track(startFeishu({ hook: HOOK, keywords: ['部署'] }));
    const missing = await send(fixtureInput(fixtureTarget({ type: 'feishu', webhook: keyworded.webhook })));
    expect(missing.result.error).toBe(
      'Feishu rejected the message (19024 Key Words Not Found): add "Workflow" to the bot\'s keywords or set keyword',
    );
    const fixed = await send(
      fixtureInput(fixtureTarget({ type: 'feishu', webhook: keyworded.webhook, keyword: '部署' })),
    );
    expect(fixed.result.state).toBe('sent');
  });

  it("says to allow the runner's IP when the bot has an IP allow-list", async () => {
    const vendor = await track(
      startFeishu({ hook: HOOK, first: [{ body: JSON.stringify({ code: 19022, data: {}, msg: 'Ip Not Allowed' }) }] }),
    );
    const { result } = await send(fixtureInput(fixtureTarget({ type: 'feishu', webhook: vendor.webhook })));
    expect(result).toMatchObject({
      attempts: 1,
      error:
        "Feishu rejected the message (19022 Ip Not Allowed): add the runner's IP address to the bot's allow-list, or remove the allow-list",
    });
  });

  it('retries the 11232 rate limit', async () => {
    const vendor = await track(
      startFeishu({
        hook: HOOK,
        first: [
          {
            body: JSON.stringify({
              code: 11232,
              data: {},
              msg: 'frequency limited psm[lark.oapi.app_platform_runtime]appID[1]',
            }),
          },
        ],
      }),
    );
    const { result } = await send(fixtureInput(fixtureTarget({ type: 'feishu', webhook: vendor.webhook })));
    expect(result).toMatchObject({ state: 'sent', attempts: 2 });
  });
});

describe('feishu app', () => {
  it('knows the Feishu and Lark hosts and takes a base URL', () => {
    expect(feishuBase('feishu')).toBe('https://open.feishu.cn');
    expect(feishuBase('lark')).toBe('https://open.larksuite.com');
    expect(feishuBase('https://open.example.com/open-apis/')).toBe('https://open.example.com');
  });

  it('reads a receiver type prefix', () => {
    expect(parseReceiver('email:ann@x.com', 'chat_id')).toEqual({ type: 'email', id: 'ann@x.com' });
    expect(parseReceiver('oc_123', 'chat_id')).toEqual({ type: 'chat_id', id: 'oc_123' });
    expect(parseReceiver('weird:x', 'open_id')).toEqual({ type: 'open_id', id: 'weird:x' });
  });

  it('gets a tenant token once for two targets of the same app and sends one message per receiver', async () => {
    const vendor = await track(
      startFeishuApp({
        appId: 'cli_a1b2c3',
        appSecret: 'appS3cret',
        receivers: { chat_id: ['oc_ops'], email: ['ann@corp.example'], open_id: ['ou_lead'] },
      }),
    );
    const tokens: TokenCache = new Map();
    const base = { type: 'feishu-app' as const, domain: vendor.url, appId: 'cli_a1b2c3', appSecret: 'appS3cret' };
    const [a, b] = await Promise.all([
      send(
        fixtureInput(fixtureTarget({ ...base, name: 'a', receivers: ['oc_ops', 'email:ann@corp.example'] })),
        tokens,
      ),
      send(
        fixtureInput(fixtureTarget({ ...base, name: 'b', receiveIdType: 'open_id', receivers: ['ou_lead'] })),
        tokens,
      ),
    ]);
    expect([a.result.state, b.result.state]).toEqual(['sent', 'sent']);
    expect(vendor.tokenRequests()).toBe(1);
    // The tenant token is a secret from the moment it arrives, and so is every header that carries it.
    expect(new Set(a.secrets)).toEqual(
      new Set(['t-g1044qeGEDXTB6NDJOGV4JQX4HPTATZUXPVWQHBX', 'Bearer t-g1044qeGEDXTB6NDJOGV4JQX4HPTATZUXPVWQHBX']),
    );
    expect(vendor.accepted.map((m) => `${m.receive_id_type}:${m.receive_id}`).sort()).toEqual([
      'chat_id:oc_ops',
      'email:ann@corp.example',
      'open_id:ou_lead',
    ]);
    expect((vendor.accepted[0]?.card as Card).header.template).toBe('red');
  });

  it('reports a wrong app secret once, and a receiver the bot cannot reach', async () => {
    const vendor = await track(
      startFeishuApp({ appId: 'cli_a1b2c3', appSecret: 'appS3cret', receivers: { chat_id: ['oc_ops'] } }),
    );
    const wrong = await send(
      fixtureInput(
        fixtureTarget({
          type: 'feishu-app',
          domain: vendor.url,
          appId: 'cli_a1b2c3',
          appSecret: 'nope',
          receivers: ['oc_ops'],
        }),
      ),
    );
    expect(wrong.result).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: 'Feishu app authentication rejected the message (10014 app secret invalid): check app-id and app-secret',
    });
    const outside = await send(
      fixtureInput(
        fixtureTarget({
          type: 'feishu-app',
          domain: vendor.url,
          appId: 'cli_a1b2c3',
          appSecret: 'appS3cret',
          receivers: ['oc_other'],
        }),
      ),
    );
    expect(outside.result.error).toBe(
      'oc_other: Feishu rejected the message (230002 Bot/User can NOT be out of the chat.): add the app (bot) to the chat',
    );
  });
});
