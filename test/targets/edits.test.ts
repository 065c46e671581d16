// One message per run (SPEC §11), target by target against emulators that keep their messages:
// a later notification given the earlier ref edits the message in place; a message that is gone
// or too old to edit gets a new one and a warning; the ref returned names what is in use.
import { afterEach, describe, expect, it } from 'vitest';
import { preview } from '../../src/deliver.js';
import { ALL_TARGETS } from '../helpers/targets.js';
import type { BuildInput } from '../../src/targets/types.js';
import { startFeishuApi, type FeishuApi } from '../helpers/feishu-api.js';
import { fixtureContext, fixtureInput, fixtureTarget } from '../helpers/fixtures.js';
import { startSlackApi, type SlackApi, type SlackApiOptions } from '../helpers/slack-api.js';
import { startTelegram, type TelegramEmulator } from '../helpers/telegram-emulator.js';
import { startDiscord, type DiscordEmulator } from '../helpers/vendors.js';
import { send } from './helpers.js';

let closing: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(closing.map((server) => server.close()));
  closing = [];
});

function track<T extends { close(): Promise<void> }>(server: T): T {
  closing.push(server);
  return server;
}

/** The same target, first as the run starts, then as it ends, given what the start returned. */
function started(target: ReturnType<typeof fixtureTarget>): BuildInput {
  return fixtureInput(target, 'created', fixtureContext({ status: 'created' }));
}
function finished(target: ReturnType<typeof fixtureTarget>, previousRef: unknown): BuildInput {
  return { ...fixtureInput(target, 'passed', fixtureContext({ status: 'passed' })), previousRef };
}

describe('discord edits', () => {
  const ID = '1234567890123456789';
  const TOKEN = 'dIsCoRdWebhookT0ken_abcdefghijklmnop';

  async function discordTarget(options: { editLimited?: string[] } = {}) {
    const vendor = track(await startDiscord({ id: ID, token: TOKEN, ...options }));
    return { vendor, target: fixtureTarget({ type: 'discord', webhook: vendor.webhook }) };
  }
  const titles = (vendor: DiscordEmulator) =>
    [...vendor.messages.values()].map((m) => `${m.id}:${String(m.embeds[0]?.title)}:${m.edits}`);

  it('patches the message of the start, which then shows the success', async () => {
    const { vendor, target } = await discordTarget();
    const first = await send(started(target));
    expect(first.result.ref).toEqual({ id: '1180000000000000000' });
    const second = await send(finished(target, first.result.ref));
    expect(second.result).toMatchObject({ state: 'sent', ref: { id: '1180000000000000000' }, attempts: 1 });
    expect(second.warnings).toEqual([]);
    const patch = vendor.requests[1]!;
    expect(patch.method).toBe('PATCH');
    expect(patch.url).toBe(`/api/webhooks/${ID}/${TOKEN}/messages/1180000000000000000`);
    expect(titles(vendor)).toEqual(['1180000000000000000:👍 Workflow CI #47 succeeded:1']);
  });

  it('sends a new message, with a warning, when the first was deleted (10008)', async () => {
    const { vendor, target } = await discordTarget();
    const first = await send(started(target));
    vendor.messages.clear();
    const second = await send(finished(target, first.result.ref));
    expect(second.result).toMatchObject({ state: 'sent', ref: { id: '1180000000000000001' } });
    expect(second.warnings).toEqual([
      'discord "discord#0": the earlier message cannot be updated (Discord no longer has it (10008 Unknown Message)): a new one is sent',
    ]);
    expect(titles(vendor)).toEqual(['1180000000000000001:👍 Workflow CI #47 succeeded:0']);
  });

  it('sends a new message, with a warning, when Discord allows no more edits (30046)', async () => {
    const { vendor, target } = await discordTarget({ editLimited: ['1180000000000000000'] });
    const first = await send(started(target));
    const second = await send(finished(target, first.result.ref));
    expect(second.result).toMatchObject({ state: 'sent', ref: { id: '1180000000000000001' } });
    expect(second.warnings).toEqual([
      'discord "discord#0": the earlier message cannot be updated (Discord allows no more edits to a message older than an hour (30046)): a new one is sent',
    ]);
    expect(titles(vendor)).toEqual([
      '1180000000000000000:👍 Workflow CI #47 started:0',
      '1180000000000000001:👍 Workflow CI #47 succeeded:0',
    ]);
  });

  it('ignores a ref that is not a Discord message id and sends a new message', async () => {
    const { vendor, target } = await discordTarget();
    const second = await send(finished(target, { id: '../../evil' }));
    expect(second.result).toMatchObject({ state: 'sent', ref: { id: '1180000000000000000' } });
    expect(vendor.requests.map((r) => r.method)).toEqual(['POST']);
  });
});

describe('telegram edits', () => {
  const TOKEN = '7000000001:AAHtelegramBotT0kenValue_abcdefghij';
  const CHATS = { '-1001234567890': -1001234567890, '@acme_releases': -1009876543210 };

  async function telegramTarget() {
    const vendor = track(await startTelegram({ token: TOKEN, chats: CHATS }));
    const target = fixtureTarget({
      type: 'telegram',
      token: TOKEN,
      apiUrl: vendor.apiUrl,
      receivers: ['-1001234567890', '@acme_releases'],
    });
    return { vendor, target };
  }
  const shown = (vendor: TelegramEmulator) =>
    [...vendor.messages.values()].map((m) => `${m.chat_id}/${m.message_id}:${m.text.split('\n')[0]}:${m.edits}`);

  it('edits the message of the start in each chat, an @channel too', async () => {
    const { vendor, target } = await telegramTarget();
    const first = await send(started(target));
    expect(first.result.ref).toEqual([
      { chatId: '-1001234567890', messageId: 101 },
      { chatId: '@acme_releases', messageId: 102 },
    ]);
    const second = await send(finished(target, first.result.ref));
    expect(second.result).toMatchObject({ state: 'sent', ref: first.result.ref });
    expect(second.warnings).toEqual([]);
    expect(vendor.requests.slice(2).map((r) => r.url.replace(TOKEN, '<token>'))).toEqual([
      '/bot<token>/editMessageText',
      '/bot<token>/editMessageText',
    ]);
    expect(shown(vendor)).toEqual([
      '-1001234567890/101:👍 Workflow CI #47 succeeded:1',
      '-1009876543210/102:👍 Workflow CI #47 succeeded:1',
    ]);
  });

  it('takes "message is not modified" as done', async () => {
    const { vendor, target } = await telegramTarget();
    const first = await send(started(target));
    const again = await send({ ...started(target), previousRef: first.result.ref });
    expect(again.result).toMatchObject({ state: 'sent', error: null, ref: first.result.ref });
    expect(again.warnings).toEqual([]);
    expect(vendor.accepted).toHaveLength(2);
    expect(shown(vendor)).toEqual([
      '-1001234567890/101:👍 Workflow CI #47 started:0',
      '-1009876543210/102:👍 Workflow CI #47 started:0',
    ]);
  });

  it('sends a new message, with a warning, in the chat whose message was deleted', async () => {
    const { vendor, target } = await telegramTarget();
    const first = await send(started(target));
    vendor.messages.delete('-1009876543210/102');
    const second = await send(finished(target, first.result.ref));
    expect(second.result).toMatchObject({
      state: 'sent',
      ref: [
        { chatId: '-1001234567890', messageId: 101 },
        { chatId: '@acme_releases', messageId: 103 },
      ],
    });
    expect(second.warnings).toEqual([
      'telegram "telegram#0": the earlier message in @acme_releases cannot be updated (Bad Request: message to edit not found): a new one is sent',
    ]);
    expect(shown(vendor)).toEqual([
      '-1001234567890/101:👍 Workflow CI #47 succeeded:1',
      '-1009876543210/103:👍 Workflow CI #47 succeeded:0',
    ]);
  });
});

describe('slack-app edits', () => {
  const TOKEN = 'xoxb-1111-2222-SlackBotT0ken';

  async function slackTarget(options: Partial<SlackApiOptions> = {}) {
    const api: SlackApi = track(
      await startSlackApi({ token: TOKEN, users: { 'dev@corp.example': 'U0DEV' }, channels: ['C0OPS'], ...options }),
    );
    const target = fixtureTarget({
      type: 'slack-app',
      token: TOKEN,
      apiUrl: api.url,
      receivers: ['C0OPS', 'dev@corp.example'],
    });
    return { api, target };
  }
  const shown = (api: SlackApi) => api.posted.map((p) => `${p.channel}/${p.ts}:${String(p.body.text)}:${p.edits}`);

  it('updates the message of the start in the channel and in the DM with chat.update', async () => {
    const { api, target } = await slackTarget();
    const first = await send(started(target));
    const ref = api.posted.map(({ channel, ts }) => ({ channel, ts }));
    expect(first.result.ref).toEqual(ref);
    api.calls.length = 0;
    const second = await send(finished(target, first.result.ref));
    expect(second.result).toMatchObject({ state: 'sent', ref });
    expect(second.warnings).toEqual([]);
    // The DM is found again (its D… id is what chat.update needs); nothing is posted anew.
    expect(api.calls).toEqual(['chat.update', 'users.lookupByEmail', 'conversations.open', 'chat.update']);
    const update = JSON.parse(api.requests.at(-1)!.body) as Record<string, unknown>;
    expect(Object.keys(update)).toEqual(['channel', 'ts', 'text', 'blocks', 'attachments']);
    expect(update).toMatchObject({ channel: 'D0DEV', ts: ref[1]!.ts });
    expect(shown(api)).toEqual([
      `C0OPS/${ref[0]!.ts}:👍 Workflow CI #47 succeeded:1`,
      `D0DEV/${ref[1]!.ts}:👍 Workflow CI #47 succeeded:1`,
    ]);
  });

  it('posts anew, with a warning, where the message was deleted (message_not_found)', async () => {
    const { api, target } = await slackTarget();
    const first = await send(started(target));
    const kept = api.posted[1]!;
    api.posted.splice(0, 1);
    const second = await send(finished(target, first.result.ref));
    expect(second.warnings).toEqual([
      'slack-app "slack-app#0": the earlier message to C0OPS cannot be updated (message_not_found: it was deleted): a new one is sent',
    ]);
    const now = api.posted.find((p) => p.channel === 'C0OPS')!;
    expect(second.result).toMatchObject({
      state: 'sent',
      ref: [
        { channel: 'C0OPS', ts: now.ts },
        { channel: 'D0DEV', ts: kept.ts },
      ],
    });
    expect(shown(api)).toEqual([
      `D0DEV/${kept.ts}:👍 Workflow CI #47 succeeded:1`,
      `C0OPS/${now.ts}:👍 Workflow CI #47 succeeded:0`,
    ]);
  });

  it.each([
    ['edit_window_closed', "the workspace's time limit for edits has passed"],
    ['cant_update_message', 'Slack does not let the app edit it'],
  ])('posts anew, with a warning, when Slack refuses the edit (%s)', async (error, why) => {
    const { api, target } = await slackTarget({ updateError: error });
    const first = await send(started(target));
    const second = await send(finished(target, first.result.ref));
    expect(second.result.state).toBe('sent');
    expect(second.warnings).toEqual([
      `slack-app "slack-app#0": the earlier message to C0OPS cannot be updated (${error}: ${why}): a new one is sent`,
      `slack-app "slack-app#0": the earlier message to …@corp.example cannot be updated (${error}: ${why}): a new one is sent`,
    ]);
    expect(api.posted.map((p) => `${p.channel}:${String(p.body.text)}`)).toEqual([
      'C0OPS:👍 Workflow CI #47 started',
      'D0DEV:👍 Workflow CI #47 started',
      'C0OPS:👍 Workflow CI #47 succeeded',
      'D0DEV:👍 Workflow CI #47 succeeded',
    ]);
    expect(second.result.ref).toEqual(api.posted.slice(2).map(({ channel, ts }) => ({ channel, ts })));
  });

  it('fails the receiver, without posting anew, when the update fails for another reason', async () => {
    const { api, target } = await slackTarget({ updateError: 'is_archived' });
    const first = await send(started({ ...target, options: { ...target.options, receivers: ['C0OPS'] } }));
    const second = await send(
      finished({ ...target, options: { ...target.options, receivers: ['C0OPS'] } }, first.result.ref),
    );
    expect(second.result.state).toBe('failed');
    expect(second.result.receivers).toEqual([
      { receiver: 'C0OPS', ok: false, error: 'Slack refused chat.update (is_archived): the channel is archived' },
    ]);
    expect(second.result.ref).toBeUndefined();
    expect(api.calls).toEqual(['chat.postMessage', 'chat.update']);
  });
});

describe('feishu-app edits', () => {
  const APP = 'cli_edit0123456789';
  const SECRET = 'fsEditAppS3cret-abcdefghij0123456789';

  async function feishuTarget(options: { recalled?: string[]; tooOld?: string[] } = {}) {
    const api: FeishuApi = track(
      await startFeishuApi({
        appId: APP,
        appSecret: SECRET,
        users: [{ open_id: 'ou_bob', mobile: '13800000002' }],
        chats: ['oc_ops'],
        ...options,
      }),
    );
    const target = fixtureTarget({
      type: 'feishu-app',
      appId: APP,
      appSecret: SECRET,
      domain: api.url,
      receivers: ['oc_ops', 'mobile:13800000002'],
    });
    return { api, target };
  }
  const title = (card: Record<string, unknown>) =>
    String((card.header as { title: { content: string } }).title.content);
  const shown = (api: FeishuApi) => api.sent.map((m) => `${m.message_id}:${m.receive_id}:${title(m.card)}:${m.edits}`);

  it('updates the card of the start for each receiver, with no look-up, and keeps no email or mobile', async () => {
    const { api, target } = await feishuTarget();
    const first = await send(started(target));
    const ref = first.result.ref as { messages: { to: string; id: string }[] };
    expect(ref.messages.map((m) => m.id)).toEqual(['om_1', 'om_2']);
    expect(JSON.stringify(ref)).not.toMatch(/13800000002|oc_ops|ou_bob/);
    api.calls.length = 0;
    const second = await send(finished(target, ref));
    expect(second.result).toMatchObject({ state: 'sent', ref });
    expect(second.warnings).toEqual([]);
    expect(api.calls).toEqual(['im/v1/messages/om_1', 'im/v1/messages/om_2']);
    const patch = api.requests.at(-1)!;
    expect(patch.method).toBe('PATCH');
    expect(Object.keys(JSON.parse(patch.body) as object)).toEqual(['content']);
    expect(shown(api)).toEqual([
      'om_1:oc_ops:👍 Workflow CI #47 succeeded:1',
      'om_2:ou_bob:👍 Workflow CI #47 succeeded:1',
    ]);
  });

  it('sends a new card, with a warning, for a recalled message (230011) and one too old (230031)', async () => {
    const { api, target } = await feishuTarget({ recalled: ['om_1'], tooOld: ['om_2'] });
    const first = await send(started(target));
    const second = await send(finished(target, first.result.ref));
    expect(second.result.state).toBe('sent');
    expect(second.warnings).toEqual([
      'feishu-app "feishu-app#0": the earlier message to oc_ops cannot be updated (it was recalled (230011)): a new one is sent',
      'feishu-app "feishu-app#0": the earlier message to …0002 cannot be updated (Feishu updates messages for 14 days only (230031)): a new one is sent',
    ]);
    expect((second.result.ref as { messages: { id: string }[] }).messages.map((m) => m.id)).toEqual(['om_3', 'om_4']);
    expect(shown(api)).toEqual([
      'om_1:oc_ops:👍 Workflow CI #47 started:0',
      'om_2:ou_bob:👍 Workflow CI #47 started:0',
      'om_3:oc_ops:👍 Workflow CI #47 succeeded:0',
      'om_4:ou_bob:👍 Workflow CI #47 succeeded:0',
    ]);
  });

  it('sends a new card, with a warning, when Feishu no longer knows the message', async () => {
    const { api, target } = await feishuTarget();
    const first = await send(started(target));
    api.sent.splice(0, 1);
    const second = await send(finished(target, first.result.ref));
    expect(second.warnings).toEqual([
      'feishu-app "feishu-app#0": the earlier message to oc_ops cannot be updated (Feishu no longer has it (230001)): a new one is sent',
    ]);
    expect(shown(api)).toEqual([
      'om_2:ou_bob:👍 Workflow CI #47 succeeded:1',
      'om_3:oc_ops:👍 Workflow CI #47 succeeded:0',
    ]);
  });

  it('does not use a ref made with another app secret', async () => {
    const { api, target } = await feishuTarget();
    const first = await send(started(target));
    const other = {
      messages: (first.result.ref as { messages: { id: string }[] }).messages.map((m) => ({ to: 'x', id: m.id })),
    };
    const second = await send(finished(target, other));
    expect(second.result.state).toBe('sent');
    expect(api.sent.map((m) => m.message_id)).toEqual(['om_1', 'om_2', 'om_3', 'om_4']);
  });
});

describe('a dry run with message-refs', () => {
  const shownRequests = (input: BuildInput) =>
    preview({
      target: input.target,
      definition: ALL_TARGETS[input.target.type]!,
      events: ['passed'],
      input,
    }).requests.map((r) => `${r.method} ${r.url.replace(/^http:\/\/127\.0\.0\.1:\d+/, '')}`);

  it('shows the updates that would be made: chat.update for slack-app, PATCH for feishu-app', async () => {
    const slack = fixtureTarget({
      type: 'slack-app',
      token: 'xoxb-1-2-t',
      apiUrl: 'http://127.0.0.1:9',
      receivers: ['C0OPS', 'C0NEW'],
    });
    expect(shownRequests(finished(slack, [{ channel: 'C0OPS', ts: '1763625900.000200' }]))).toEqual([
      'POST /chat.update',
      'POST /chat.postMessage',
    ]);
    const api = track(
      await startFeishuApi({ appId: 'cli_x', appSecret: 'fsDryRunS3cret', users: [], chats: ['oc_ops'] }),
    );
    const feishu = fixtureTarget({
      type: 'feishu-app',
      appId: 'cli_x',
      appSecret: 'fsDryRunS3cret',
      domain: api.url,
      receivers: ['oc_ops'],
    });
    const first = await send(started(feishu));
    expect(shownRequests(finished(feishu, first.result.ref))).toEqual([
      'POST /open-apis/auth/v3/tenant_access_token/internal',
      'PATCH /open-apis/im/v1/messages/om_1',
    ]);
  });
});
