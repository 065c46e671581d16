// One message per run (SPEC §11) through dist/index.js on GitHub: a first step reports the start,
// its message-refs output goes to a last step that reports the success, and the emulators hold
// ONE message per editable target, now showing "succeeded"; email threads, Google Chat replies in
// the run's thread; a message that is gone gets a new one and a warning; refs hold ids only.
import { afterEach, describe, expect, it } from 'vitest';
import { startFeishuApi, type FeishuApi } from '../helpers/feishu-api.js';
import { startGoogleChat, type GoogleChatEmulator } from '../helpers/google-chat-emulator.js';
import { githubEnv, runDist, type RunResult } from '../helpers/run-dist.js';
import { startSlackApi, type SlackApi } from '../helpers/slack-api.js';
import { startSmtp, type Smtp } from '../helpers/smtp.js';
import { startTelegram, type TelegramEmulator } from '../helpers/telegram-emulator.js';
import { startDiscord, type DiscordEmulator } from '../helpers/vendors.js';

const DISCORD = { id: '1234567890123456789', token: 'dIsCoRdWebhookT0ken_e2eUpdates' };
const TELEGRAM_TOKEN = '7000000001:AAHupdatesBotT0ken_abcdefghijklmn';
const SLACK_TOKEN = 'xoxb-3579-2468-updatesSlackT0ken';
const FEISHU = { appId: 'cli_updates0123456', appSecret: 'fsUpdatesAppS3cret-abcdefghij012345' };
const CHAT = { space: 'AAAAupdates', key: 'AIzaSyUpdatesKey0123456789', token: 'gcUpdatesT0ken-abc' };

let servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
async function track<T extends { close(): Promise<void> }>(s: Promise<T>): Promise<T> {
  const server = await s;
  servers.push(server);
  return server;
}

interface Vendors {
  discord: DiscordEmulator;
  telegram: TelegramEmulator;
  slack: SlackApi;
  feishu: FeishuApi;
  smtp: Smtp;
  chat: GoogleChatEmulator;
}

async function startVendors(discordOptions: { editLimited?: string[] } = {}): Promise<Vendors> {
  return {
    discord: await track(startDiscord({ ...DISCORD, ...discordOptions })),
    telegram: await track(startTelegram({ token: TELEGRAM_TOKEN, chats: { '-1001234567890': -1001234567890 } })),
    slack: await track(
      startSlackApi({ token: SLACK_TOKEN, users: { 'dev@corp.example': 'U0DEV' }, channels: ['C0OPS'] }),
    ),
    feishu: await track(
      startFeishuApi({ ...FEISHU, users: [{ open_id: 'ou_bob', mobile: '13800000002' }], chats: ['oc_ops'] }),
    ),
    smtp: await track(startSmtp()),
    chat: await track(startGoogleChat(CHAT)),
  };
}

function targets(v: Vendors): string {
  return [
    `- {name: dc, type: discord, webhook: "${v.discord.webhook}"}`,
    `- {name: tg, type: telegram, token: "${TELEGRAM_TOKEN}", api-url: "${v.telegram.apiUrl}", receivers: "-1001234567890"}`,
    `- {name: sa, type: slack-app, token: "${SLACK_TOKEN}", api-url: "${v.slack.url}", receivers: "C0OPS;dev@corp.example"}`,
    `- {name: fa, type: feishu-app, app-id: ${FEISHU.appId}, app-secret: "${FEISHU.appSecret}", domain: "${v.feishu.url}", receivers: "oc_ops;mobile:13800000002"}`,
    `- {name: em, type: email, smtp: "${v.smtp.url()}", from: ci@acme.example, to: ops@acme.example}`,
    `- {name: gc, type: google-chat, webhook: "${v.chat.webhook}"}`,
  ].join('\n');
}

/** The first step (the run started) and the last (it passed), the last given the first's refs. */
async function startThenFinish(v: Vendors, between: () => void = () => {}): Promise<[RunResult, RunResult]> {
  const first = await runDist({ env: githubEnv({ INPUT_STATUS: 'created', INPUT_TARGETS: targets(v) }) });
  between();
  const last = await runDist({
    env: githubEnv({
      INPUT_STATUS: 'success',
      INPUT_TARGETS: targets(v),
      'INPUT_MESSAGE-REFS': first.outputs['message-refs'],
    }),
  });
  return [first, last];
}

const decode = (refs: string | undefined) =>
  JSON.parse(Buffer.from(refs ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
const title = (card: Record<string, unknown>) => (card.header as { title: { content: string } }).title.content;
/** A raw header line of a received mail, as it was on the wire. */
const header = (mail: Smtp['mails'][number], name: string) =>
  mail.mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;

describe('start then finish on GitHub', () => {
  it('leaves one message per editable target, now showing "succeeded"; email and Google Chat thread', async () => {
    const v = await startVendors();
    const [first, last] = await startThenFinish(v);
    expect([first.code, last.code]).toEqual([0, 0]);
    expect(last.stdout).not.toContain('cannot be updated');

    expect([...v.discord.messages.values()].map((m) => [m.embeds[0]?.title, m.edits])).toEqual([
      ['👍 Workflow CI #47 succeeded', 1],
    ]);
    expect([...v.telegram.messages.values()].map((m) => [m.text.split('\n')[0], m.edits])).toEqual([
      ['👍 Workflow CI #47 succeeded', 1],
    ]);
    expect(v.slack.posted.map((p) => [p.channel, p.body.text, p.edits])).toEqual([
      ['C0OPS', '👍 Workflow CI #47 succeeded', 1],
      ['D0DEV', '👍 Workflow CI #47 succeeded', 1],
    ]);
    expect(v.feishu.sent.map((m) => [m.receive_id, title(m.card), m.edits])).toEqual([
      ['oc_ops', '👍 Workflow CI #47 succeeded', 1],
      ['ou_bob', '👍 Workflow CI #47 succeeded', 1],
    ]);

    // Email: the start is the thread's root; the end replies to it (raw MIME headers).
    expect(v.smtp.mails.map((m) => m.mail.subject)).toEqual([
      '👍 Workflow CI #47 started',
      '👍 Workflow CI #47 succeeded',
    ]);
    const [start, end] = v.smtp.mails;
    const root = /^Message-ID: (<[^>]+>)$/i.exec(header(start!, 'Message-ID') ?? '')?.[1];
    expect(root).toMatch(/^<[0-9a-f-]{36}@workflow-notify>$/);
    expect(header(start!, 'In-Reply-To')).toBeUndefined();
    expect(header(end!, 'In-Reply-To')).toBe(`In-Reply-To: ${root}`);
    expect(header(end!, 'References')).toBe(`References: ${root}`);
    expect(header(end!, 'Message-ID')).toMatch(/^Message-ID: <[0-9a-f-]{36}@workflow-notify>$/);
    expect(header(end!, 'Message-ID')).not.toBe(`Message-ID: ${root}`);

    // Google Chat: both messages in the run's one thread.
    expect(v.chat.accepted).toHaveLength(2);
    expect(v.chat.accepted[0]!.thread).toBe(v.chat.accepted[1]!.thread);

    // The last step's refs name the same messages: a third step would edit them again.
    expect(decode(last.outputs['message-refs'])).toEqual(decode(first.outputs['message-refs']));
  });

  it('keeps ids only in message-refs: no address, token, secret, email or mobile', async () => {
    const v = await startVendors();
    const first = await runDist({ env: githubEnv({ INPUT_STATUS: 'created', INPUT_TARGETS: targets(v) }) });
    const text = first.outputs['message-refs']!;
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    const refs = decode(text);
    expect(refs).toEqual({
      dc: { id: '1180000000000000000' },
      tg: [{ chatId: '-1001234567890', messageId: 101 }],
      sa: v.slack.posted.map(({ channel, ts }) => ({ channel, ts })),
      fa: {
        messages: [
          { to: expect.stringMatching(/^[0-9a-f]{16}$/), id: 'om_1' },
          { to: expect.stringMatching(/^[0-9a-f]{16}$/), id: 'om_2' },
        ],
      },
    });
    const json = JSON.stringify(refs);
    for (const secret of [
      DISCORD.token,
      TELEGRAM_TOKEN,
      SLACK_TOKEN,
      FEISHU.appSecret,
      CHAT.key,
      CHAT.token,
      '127.0.0.1',
      'http',
      'dev@corp.example',
      '13800000002',
      'mailPa55word',
    ]) {
      expect(json).not.toContain(secret);
    }
  });

  it('sends a new message, with a warning, where the earlier one was deleted', async () => {
    const v = await startVendors();
    const [, last] = await startThenFinish(v, () => {
      v.discord.messages.clear();
      v.slack.posted.splice(0, 1);
    });
    expect(last.code).toBe(0);
    expect(last.stdout).toContain(
      '::warning::discord "dc": the earlier message cannot be updated (Discord no longer has it (10008 Unknown Message)): a new one is sent',
    );
    expect(last.stdout).toContain(
      '::warning::slack-app "sa": the earlier message to C0OPS cannot be updated (message_not_found: it was deleted): a new one is sent',
    );
    expect([...v.discord.messages.values()].map((m) => [m.id, m.embeds[0]?.title, m.edits])).toEqual([
      ['1180000000000000001', '👍 Workflow CI #47 succeeded', 0],
    ]);
    expect(v.slack.posted.map((p) => [p.channel, p.body.text, p.edits])).toEqual([
      ['D0DEV', '👍 Workflow CI #47 succeeded', 1],
      ['C0OPS', '👍 Workflow CI #47 succeeded', 0],
    ]);
    const refs = decode(last.outputs['message-refs']);
    expect(refs.dc).toEqual({ id: '1180000000000000001' });
    expect(refs.sa).toEqual([
      { channel: 'C0OPS', ts: v.slack.posted[1]!.ts },
      { channel: 'D0DEV', ts: v.slack.posted[0]!.ts },
    ]);
    // The others were edited as usual.
    expect([...v.telegram.messages.values()].map((m) => m.edits)).toEqual([1]);
  });

  it('sends a new Discord message, with a warning, when Discord allows no more edits (30046)', async () => {
    const v = await startVendors({ editLimited: ['1180000000000000000'] });
    const [, last] = await startThenFinish(v);
    expect(last.stdout).toContain(
      '::warning::discord "dc": the earlier message cannot be updated (Discord allows no more edits to a message older than an hour (30046)): a new one is sent',
    );
    expect([...v.discord.messages.values()].map((m) => [m.embeds[0]?.title, m.edits])).toEqual([
      ['👍 Workflow CI #47 started', 0],
      ['👍 Workflow CI #47 succeeded', 0],
    ]);
  });

  it('sends new messages, with a warning, when message-refs is not an earlier output', async () => {
    const v = await startVendors();
    const run = await runDist({
      env: githubEnv({ INPUT_STATUS: 'success', INPUT_TARGETS: targets(v), 'INPUT_MESSAGE-REFS': 'not refs!' }),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      '::warning::message-refs is not the message-refs output of an earlier step: new messages are sent.',
    );
    expect(v.discord.messages.size).toBe(1);
    expect(v.slack.posted.map((p) => p.edits)).toEqual([0, 0]);
  });
});
