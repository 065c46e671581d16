import { afterEach, describe, expect, it } from 'vitest';
import { fixtureContext, fixtureInput, fixtureTarget } from '../helpers/fixtures.js';
import { startWeCom, type Emulator } from '../helpers/vendors.js';
import { send } from './helpers.js';

let vendor: Emulator | undefined;
afterEach(async () => vendor?.close());
const KEY = '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';

describe('wecom', () => {
  it('delivers markdown with a coloured title, and no text message when nobody needs one', async () => {
    vendor = await startWeCom({ key: KEY });
    const { result } = await send(fixtureInput(fixtureTarget({ type: 'wecom', webhook: vendor.webhook }), 'passed'));
    expect(result).toMatchObject({ state: 'sent', attempts: 1 });
    expect(vendor.accepted).toHaveLength(1);
    const content = (vendor.accepted[0] as { markdown: { content: string } }).markdown.content;
    expect(content.split('\n')[0]).toBe('### <font color="info">👍 Workflow CI #47 succeeded</font>');
    expect(content).toContain('> **Executor**: ann');
  });

  it('mentions ids with <@id> in markdown, and mobiles and @all in a second text message', async () => {
    vendor = await startWeCom({ key: KEY });
    const target = fixtureTarget({ type: 'wecom', webhook: vendor.webhook, at: ['$ann', '$bob', 'zhangsan', 'all'] });
    const { result } = await send(fixtureInput(target));
    expect(result).toMatchObject({ state: 'sent', attempts: 2 });
    const [markdown, text] = vendor.accepted as [{ markdown: { content: string } }, { msgtype: string; text: unknown }];
    expect(markdown.markdown.content.endsWith('<@AnnLee> <@zhangsan>')).toBe(true);
    expect(text).toEqual({
      msgtype: 'text',
      text: { content: '❌ Workflow CI #47 failed', mentioned_list: ['@all'], mentioned_mobile_list: ['13800000002'] },
    });
  });

  it('keeps markdown.content within 4,096 bytes, cut on a character boundary', async () => {
    vendor = await startWeCom({ key: KEY });
    const jobs = Array.from({ length: 40 }, (_, i) => ({
      name: `任务 ${i} ${'測'.repeat(200)}`,
      displayName: `任务 ${i} ${'測'.repeat(200)}`,
      type: 'github-actions',
      status: 'passed',
      startTime: 0,
      endTime: 0,
      error: '',
    }));
    const { result } = await send(
      fixtureInput(
        fixtureTarget({ type: 'wecom', webhook: vendor.webhook, language: 'zh-CN' }),
        'passed',
        fixtureContext({ stages: [{ name: 'big', jobs }] }),
      ),
    );
    expect(result.state).toBe('sent');
    const content = (vendor.accepted[0] as { markdown: { content: string } }).markdown.content;
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(content)).toBeGreaterThan(3500);
    expect(content).toContain('…(已截断)');
    expect(content).not.toContain('\ufffd');
  });

  it('explains a wrong key and retries 45009', async () => {
    vendor = await startWeCom({
      key: KEY,
      first: [{ body: JSON.stringify({ errcode: 45009, errmsg: 'api freq out of limit' }) }],
    });
    const limited = await send(fixtureInput(fixtureTarget({ type: 'wecom', webhook: vendor.webhook })));
    expect(limited.result).toMatchObject({ state: 'sent', attempts: 2 });
    const wrong = await send(
      fixtureInput(fixtureTarget({ type: 'wecom', webhook: vendor.webhook.replace(KEY, 'bad') })),
    );
    expect(wrong.result).toMatchObject({
      state: 'failed',
      attempts: 1,
      error:
        'WeCom rejected the message (93000 invalid webhook url, hint: [1732250000123456789], from ip: 127.0.0.1): the key in the webhook address is wrong, or the robot was removed',
    });
  });
});
