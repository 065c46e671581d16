import { afterEach, describe, expect, it } from 'vitest';
import { signDingTalk } from '../../src/targets/dingtalk.js';
import { deliver } from '../../src/deliver.js';
import { ALL_TARGETS } from '../helpers/targets.js';
import { fixtureContext, fixtureInput, fixtureTarget } from '../helpers/fixtures.js';
import { startDingTalk, type Emulator } from '../helpers/vendors.js';
import { send } from './helpers.js';

let vendor: Emulator | undefined;
afterEach(async () => vendor?.close());

const TOKEN = 'b9a3c5d7e1f24680aceb13579bdf0246';
const SECRET = 'SEC3f1d2c4b5a6978877665544332211';

describe('dingtalk', () => {
  it('signs like DingTalk: HMAC-SHA256(secret, ts + "\\n" + secret), base64, URL-encoded (same as Python hmac)', () => {
    const url = signDingTalk(
      `https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}`,
      'this is secret',
      1732250000000,
    );
    expect(url).toBe(
      `https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}&timestamp=1732250000000&sign=a16CJ3y8yxGBc4njMqBQoHlNhb56EDw3GmPamm9Gpt0%3D`,
    );
  });

  it('delivers a signed actionCard with a details button when nobody is mentioned', async () => {
    vendor = await startDingTalk({ token: TOKEN, secret: SECRET, keywords: ['Workflow'] });
    // Signed requests carry the real time: DingTalk refuses a timestamp more than an hour away.
    const { result, warnings } = await send({
      ...fixtureInput(fixtureTarget({ type: 'dingtalk', webhook: vendor.webhook, secret: SECRET })),
      now: Date.now(),
    });
    expect(result).toMatchObject({ state: 'sent', attempts: 1, error: null });
    expect(warnings).toEqual([]);
    const body = vendor.accepted[0] as { msgtype: string; actionCard: Record<string, string> };
    expect(body.msgtype).toBe('actionCard');
    expect(body.actionCard.title).toBe('❌ Workflow CI #47 failed');
    expect(body.actionCard.singleTitle).toBe('Click for more information');
    expect(body.actionCard.singleURL).toBe('https://github.com/acme/shop/actions/runs/8123456789');
    expect(body.actionCard.text).toContain('- **Executor**: ann');
    expect(body.actionCard.text).toContain('    ❌ test (ubuntu, 22): failed');
    expect(body.actionCard.text).toContain('- **Error**: test (ubuntu, 22): step "Run npm test" failed');
  });

  it('sends markdown with at.atMobiles (strings), atUserIds and an @ line when mentioning', async () => {
    vendor = await startDingTalk({ token: TOKEN });
    const target = fixtureTarget({
      type: 'dingtalk',
      webhook: vendor.webhook,
      at: ['13900000000', '$bob', '$ann', 'manager_x', 'ops@corp.example'],
    });
    const { result, warnings } = await send(fixtureInput(target));
    expect(result.state).toBe('sent');
    const body = vendor.accepted[0] as { msgtype: string; markdown: { text: string }; at: unknown };
    expect(body.msgtype).toBe('markdown');
    expect(body.at).toEqual({
      atMobiles: ['13900000000', '13800000002'],
      atUserIds: ['ann_dd', 'manager_x'],
      isAtAll: false,
    });
    expect(body.markdown.text.endsWith('@13900000000 @13800000002 @ann_dd @manager_x')).toBe(true);
    expect(body.markdown.text).toContain(
      '[Click for more information](https://github.com/acme/shop/actions/runs/8123456789)',
    );
    expect(warnings).toEqual([
      'dingtalk "dingtalk#0": cannot mention ops@corp.example: DingTalk mentions by mobile or user id',
    ]);
  });

  it('says which keyword to add when the robot refuses for keywords, without retrying', async () => {
    vendor = await startDingTalk({ token: TOKEN, keywords: ['Release'] });
    const { result } = await send(fixtureInput(fixtureTarget({ type: 'dingtalk', webhook: vendor.webhook })));
    expect(result).toMatchObject({
      state: 'failed',
      attempts: 1,
      error:
        'DingTalk rejected the message (310000 keywords not in content, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]): add "Workflow" to the robot\'s keywords or set keyword',
    });
  });

  it('puts a configured keyword in the text', async () => {
    vendor = await startDingTalk({ token: TOKEN, keywords: ['Release'] });
    const { result } = await send(
      fixtureInput(fixtureTarget({ type: 'dingtalk', webhook: vendor.webhook, keyword: 'Release' })),
    );
    expect(result.state).toBe('sent');
    expect((vendor.accepted[0] as { actionCard: { text: string } }).actionCard.text.endsWith('\n\nRelease')).toBe(true);
  });

  it('refuses a signature more than an hour old, as DingTalk does', async () => {
    vendor = await startDingTalk({ token: TOKEN, secret: SECRET });
    const { result } = await send(
      fixtureInput(fixtureTarget({ type: 'dingtalk', webhook: vendor.webhook, secret: SECRET })),
    );
    expect(result.error).toMatch(/^DingTalk rejected the message \(310000 sign not match/);
  });

  it('explains a wrong signing secret and a wrong token', async () => {
    vendor = await startDingTalk({ token: TOKEN, secret: SECRET });
    const wrongSecret = await send({
      ...fixtureInput(fixtureTarget({ type: 'dingtalk', webhook: vendor.webhook, secret: 'SECwrong' })),
      now: Date.now(),
    });
    expect(wrongSecret.result.error).toBe(
      "DingTalk rejected the message (310000 sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]): set secret to the robot's signing secret (SEC…)",
    );
    const wrongToken = await send({
      ...fixtureInput(
        fixtureTarget({ type: 'dingtalk', webhook: vendor.webhook.replace(TOKEN, 'nope'), secret: SECRET }),
      ),
      now: Date.now(),
    });
    expect(wrongToken.result.error).toBe(
      'DingTalk rejected the message (300001 token is not exist): the access_token in the webhook address is wrong',
    );
  });

  it("says to allow the runner's IP when the robot has an IP allow-list", async () => {
    vendor = await startDingTalk({
      token: TOKEN,
      first: [
        {
          body: JSON.stringify({
            errcode: 310000,
            errmsg: 'ip 203.0.113.7 not in whitelist, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]',
          }),
        },
      ],
    });
    const { result } = await send(fixtureInput(fixtureTarget({ type: 'dingtalk', webhook: vendor.webhook })));
    expect(result.error).toBe(
      "DingTalk rejected the message (310000 ip 203.0.113.7 not in whitelist, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]): add the runner's IP address to the robot's allow-list, or remove the allow-list",
    );
    expect(result.attempts).toBe(1);
  });

  it('does not retry the 130101 rate limit sooner than its minute: it names the limit', async () => {
    vendor = await startDingTalk({
      token: TOKEN,
      first: [
        { status: 200, body: JSON.stringify({ errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' }) },
      ],
    });
    const { result } = await send(fixtureInput(fixtureTarget({ type: 'dingtalk', webhook: vendor.webhook })));
    expect(result).toMatchObject({ state: 'failed', attempts: 1 });
    expect(result.error).toBe(
      'DingTalk rejected the message (130101 send too fast, exceed 20 times per minute): rate limited: 20 messages a minute per robot',
    );
  });

  it('retries the 130101 rate limit after a minute when the budget allows it', async () => {
    vendor = await startDingTalk({
      token: TOKEN,
      first: [
        { status: 200, body: JSON.stringify({ errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' }) },
      ],
    });
    const waits: number[] = [];
    let now = 0;
    const clock = { now: () => now, random: () => 0.5, sleep: async (ms: number) => void waits.push((now += ms)) };
    const input = fixtureInput(fixtureTarget({ type: 'dingtalk', webhook: vendor.webhook }));
    const { result } = await deliver(
      { target: input.target, definition: ALL_TARGETS.dingtalk!, events: ['failed'], input },
      { retries: 2, timeoutSeconds: 40 },
      new Map(),
      { warning: () => {}, secret: () => {} },
      clock,
    );
    expect(result).toMatchObject({ state: 'sent', attempts: 2 });
    expect(waits).toEqual([60_000]);
  });

  it('keeps a huge message under 20,000 bytes, cut at a line with a marker', async () => {
    vendor = await startDingTalk({ token: TOKEN });
    const jobs = Array.from({ length: 40 }, (_, i) => ({
      name: `job ${i} ${'长'.repeat(300)}`,
      displayName: `job ${i} ${'长'.repeat(300)}`,
      type: 'github-actions',
      status: 'passed',
      startTime: 0,
      endTime: 0,
      error: '',
    }));
    const context = fixtureContext({ stages: [{ name: 'big', jobs }] });
    const { result } = await send(
      fixtureInput(fixtureTarget({ type: 'dingtalk', webhook: vendor.webhook }), 'passed', context),
    );
    expect(result.state).toBe('sent');
    expect(vendor.requests[0]!.body.length).toBeGreaterThan(5000);
    expect(Buffer.byteLength(vendor.requests[0]!.body)).toBeLessThanOrEqual(20_000);
    const text = (vendor.accepted[0] as { actionCard: { text: string } }).actionCard.text;
    expect(text).toMatch(/\n…\(truncated\)\n\nWorkflow$|…\(truncated\)$/);
    expect(text).toContain('…(truncated)');
  });
});
