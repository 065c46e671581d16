import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { deliver } from '../../src/deliver.js';
import type { Clock } from '../../src/http.js';
import { ALL_TARGETS } from '../helpers/targets.js';
import { cutTelegramHtml, escapeTelegram, telegram, telegramLength } from '../../src/targets/telegram.js';
import type { BuildInput } from '../../src/targets/types.js';
import { fixtureContext, fixtureInput, fixtureTarget, MEMBERS } from '../helpers/fixtures.js';
import { githubEnv, runDist } from '../helpers/run-dist.js';
import {
  parseTelegramHtml,
  startTelegram,
  telegramRateLimit,
  type TelegramEmulator,
  type TelegramOptions,
} from '../helpers/telegram-emulator.js';
import { send } from './helpers.js';

const TOKEN = '7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0';
const CHATS = { '-1001234567890': -1001234567890, '@acme_releases': -1009876543210, '123456789': 123456789 };
const members = { ...MEMBERS, ann: { ...MEMBERS.ann, telegram: '123456789' } };

const servers: TelegramEmulator[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function start(options: Partial<TelegramOptions> = {}): Promise<TelegramEmulator> {
  const server = await startTelegram({ token: TOKEN, chats: CHATS, ...options });
  servers.push(server);
  return server;
}

function input(vendor: TelegramEmulator, fields: Record<string, unknown> = {}, context = fixtureContext()): BuildInput {
  return fixtureInput(
    fixtureTarget({ type: 'telegram', token: TOKEN, apiUrl: vendor.apiUrl, receivers: ['-1001234567890'], ...fields }),
    'failed',
    context,
    members,
  );
}

function fakeClock(): Clock & { waits: number[] } {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
    random: () => 0.5,
  };
}

describe('telegram', () => {
  it('sends one sendMessage per receiver in HTML with link previews off', async () => {
    const vendor = await start();
    const { result, warnings } = await send(input(vendor, { receivers: ['-1001234567890', '@acme_releases'] }));
    expect(result).toMatchObject({ state: 'sent', attempts: 1, error: null });
    expect(warnings).toEqual([]);
    expect(vendor.requests.map((r) => r.url)).toEqual([`/bot${TOKEN}/sendMessage`, `/bot${TOKEN}/sendMessage`]);
    expect(vendor.accepted.map((m) => m.chat_id)).toEqual(['-1001234567890', '@acme_releases']);
    const body = JSON.parse(vendor.requests[0]!.body);
    expect(body).toMatchObject({ parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
    expect(vendor.accepted[0]!.text).toBe(
      [
        '❌ Workflow CI #47 failed',
        '',
        'Executor: ann',
        'Project: acme/shop',
        'Start time: 2026-11-20 08:00:02 UTC',
        'Duration: 3m 58s',
        'Remark: Fix checkout for "quoted" carts',
        '✅ build: succeeded',
        '❌ test: failed',
        '    ❌ test (ubuntu, 22): failed',
        '    ✅ test (macos, 22): succeeded',
        'Commit: main 6dcb09b Fix checkout for "quoted" carts',
        'Error: test (ubuntu, 22): step "Run npm test" failed',
        '',
        'Click for more information',
      ].join('\n'),
    );
    expect(vendor.accepted[0]!.html).toContain(
      '<a href="https://github.com/acme/shop/actions/runs/8123456789">Click for more information</a>',
    );
  });

  it('sends to $creator and $<login> through their telegram id in members', async () => {
    const vendor = await start();
    const { result, warnings } = await send(input(vendor, { receivers: ['$creator', '$ann', '$bob'] }));
    // The creator of the fixture run is ann: one message, not two. Bob has no telegram id: that
    // receiver fails (the others are delivered), naming only him.
    expect(result.state).toBe('failed');
    expect(result.error).toBe('1 of 2 receivers did not get it: $bob: bob has no telegram in members');
    expect(result.receivers).toEqual([
      { receiver: '$creator (123456789)', ok: true },
      { receiver: '$bob', ok: false, error: 'bob has no telegram in members' },
    ]);
    expect(vendor.accepted.map((m) => m.chat_id)).toEqual(['123456789']);
    expect(warnings).toEqual([]);
    expect(telegram.logins!({ receivers: ['$creator', '$ann', '$committers', '-100'] })).toEqual(['ann']);
  });

  it('mentions members by tg://user link with their name, and public @usernames; says what it cannot', async () => {
    const vendor = await start();
    const { result, warnings } = await send(
      input(vendor, { at: ['$ann', '@release_bot', 'all', 'ops@corp.example', 'not-a-number', '$bob'] }),
    );
    expect(result.state).toBe('sent');
    expect(vendor.accepted[0]!.html.split('\n\n').at(-1)).toBe(
      '<a href="tg://user?id=123456789">Ann Lee</a> @release_bot',
    );
    expect(warnings).toEqual([
      'telegram "telegram#0": cannot mention $bob: the member has no telegram id',
      'telegram "telegram#0": cannot mention "not-a-number": a Telegram user id is a number; left out',
      'telegram "telegram#0": cannot mention ops@corp.example: Telegram mentions by user id or @username',
      'telegram "telegram#0": cannot mention everyone: Telegram has no mention for a whole chat',
    ]);
  });

  it('keeps hostile pipeline values as text: valid HTML, no @mention, nothing evaluated', async () => {
    const vendor = await start();
    const hostile = 'Fix <b>bold</b> & <script>x</script> @channel @everyone {{x}} <a href="https://evil">y</a> &amp;';
    const context = fixtureContext({ remark: hostile });
    context.repo.commitMessage = hostile;
    context.stages[1]!.jobs[0]!.displayName = hostile;
    const { result } = await send(input(vendor, {}, context));
    expect(result.state).toBe('sent');
    const { html, text } = vendor.accepted[0]!;
    expect(text).toContain('Commit: main 6dcb09b Fix <b>bold</b> & <script>x</script> @\u200bchannel @\u200beveryone');
    expect(text).toContain('{{x}} <a href="https://evil">y</a> &amp;');
    expect(html).not.toMatch(/<b>bold|<script|href="https:\/\/evil|@(?!\u200b)channel/);
  });

  it('cuts a long message to 4,096 parsed characters, cleanly, keeping the mentions', async () => {
    const vendor = await start();
    const context = fixtureContext();
    context.repo.commitMessage = `${'<i>&"长"</i> '.repeat(200)}`;
    context.stages = [
      {
        name: 'big',
        jobs: Array.from({ length: 40 }, (_, i) => ({
          name: `job ${i}`,
          displayName: `job ${i} ${'&<>'.repeat(150)}`,
          type: 'x',
          status: 'failed',
          startTime: 0,
          endTime: 0,
          error: '',
        })),
      },
    ];
    const { result } = await send(input(vendor, { at: ['$ann'] }, context));
    expect(result.state).toBe('sent');
    const { text, html } = vendor.accepted[0]!;
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text.length).toBeGreaterThan(3800);
    expect(text).toMatch(/\n…\(truncated\)\n\nAnn Lee$/);
    expect(html).toMatch(/<a href="tg:\/\/user\?id=123456789">Ann Lee<\/a>$/);
  });

  it('reports a refusal in one line naming the receiver, without retrying', async () => {
    const vendor = await start({ notMember: ['@acme_releases'] });
    const { result } = await send(input(vendor, { receivers: ['-1001234567890', '-1000000000001', '@acme_releases'] }));
    expect(result).toMatchObject({ state: 'failed', attempts: 1, failure: { kind: 'refused', code: '400' } });
    expect(result.error).toBe(
      '2 of 3 receivers did not get it: ' +
        '-1000000000001: Telegram rejected the message (400 Bad Request: chat not found): check the chat id; the bot must be in the chat, and a person must have started the bot; ' +
        '@acme_releases: Telegram rejected the message (403 Forbidden: bot is not a member of the channel chat): add the bot to the chat (to a channel as an admin that can post)',
    );
    // The other receiver still got the message.
    expect(vendor.accepted.map((m) => m.chat_id)).toEqual(['-1001234567890']);
    expect(vendor.requests).toHaveLength(3);
  });

  it('explains a wrong token and a blocked bot', async () => {
    const vendor = await start({ blocked: ['123456789'] });
    const wrong = await send(input(vendor, { token: '7012345678:wrongwrongwrong' }));
    expect(wrong.result).toMatchObject({ state: 'failed', attempts: 1 });
    expect(wrong.result.error).toBe(
      '-1001234567890: Telegram rejected the message (401 Unauthorized): the bot token is wrong or was revoked (ask @BotFather), or api-url is wrong',
    );
    const blocked = await send(input(vendor, { receivers: ['123456789'] }));
    expect(blocked.result.error).toBe(
      '123456789: Telegram rejected the message (403 Forbidden: bot was blocked by the user): the person blocked the bot',
    );
  });

  it('waits parameters.retry_after on a 429, then delivers (fake clock)', async () => {
    const vendor = await start({ first: [telegramRateLimit(3)] });
    const clock = fakeClock();
    const build = input(vendor);
    const { result } = await deliver(
      { target: build.target, definition: ALL_TARGETS.telegram!, events: ['failed'], input: build },
      { retries: 2, timeoutSeconds: 5 },
      new Map(),
      { warning: () => undefined, secret: () => undefined },
      clock,
    );
    expect(result).toMatchObject({ state: 'sent', attempts: 2 });
    expect(clock.waits).toEqual([3000]);
    expect(vendor.accepted).toHaveLength(1);
  });

  it('refuses receivers that are not chat ids when the config loads', () => {
    expect(
      telegram.validate!({ receivers: ['-1001234567890', '@acme_releases', '$ann', 'ops channel', '@ab'] }),
    ).toEqual([
      {
        field: 'receivers',
        problem: '"ops channel" is not a Telegram chat id (a number such as -1001234567890) or @channelusername',
      },
      {
        field: 'receivers',
        problem: '"@ab" is not a Telegram chat id (a number such as -1001234567890) or @channelusername',
      },
    ]);
  });
});

describe('telegram HTML', () => {
  const piece = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 30 }).map(escapeTelegram),
    fc.string({ maxLength: 20 }).map((s) => `<b>${escapeTelegram(s)}</b>`),
    fc.string({ maxLength: 20 }).map((s) => `<a href="https://x.example/?a=1&amp;b=2"><i>${escapeTelegram(s)}</i></a>`),
    fc.constant('\n'),
  );

  it('cuts any valid HTML to the limit without breaking a tag or an entity', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.integer({ min: 20, max: 300 }), (pieces, max) => {
        const html = pieces.join('');
        const cut = cutTelegramHtml(html, max, '…(truncated)');
        const parsed = parseTelegramHtml(cut);
        expect(parsed).not.toHaveProperty('error');
        expect(telegramLength(cut)).toBeLessThanOrEqual(max);
        if (telegramLength(html) <= max) expect(cut).toBe(html);
        else expect(cut.endsWith('\n…(truncated)')).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('counts parsed characters: tags are free, an entity is one', () => {
    expect(telegramLength('<b>a&amp;b</b> <a href="https://x">c</a>')).toBe(5);
    expect(cutTelegramHtml('<b>aaaa bbbb cccc</b>', 17, '…')).toBe('<b>aaaa bbbb cccc</b>');
    expect(cutTelegramHtml('<b>aaaa bbbb cccc dddd</b>', 12, '…')).toBe('<b>aaaa bbbb</b>\n…');
  });
});

describe('telegram through dist/index.js', () => {
  it('dry-runs with the bot token hidden from the address and the log', async () => {
    const result = await runDist({
      env: githubEnv({
        INPUT_STATUS: 'failure',
        'INPUT_DRY-RUN': 'true',
        INPUT_TARGETS: `- {name: tg, type: telegram, token: "${TOKEN}", receivers: "-1001234567890;@acme_releases"}`,
      }),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('○ telegram "tg" dry run: nothing sent');
    expect(result.stdout).toContain('  POST https://api.telegram.org/***/sendMessage');
    const visible = result.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    expect(visible).not.toContain(TOKEN);
    expect(visible).not.toContain('AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0');
    expect(JSON.parse(result.outputs.results!)).toMatchObject([{ name: 'tg', type: 'telegram', state: 'dry-run' }]);
  });

  it('sends for real and reports a refused receiver in one line, the token never shown', async () => {
    const vendor = await start();
    const result = await runDist({
      env: githubEnv({
        INPUT_STATUS: 'success',
        INPUT_TARGETS: [
          `- {name: tg, type: telegram, token: "${TOKEN}", api-url: "${vendor.apiUrl}", receivers: "-1001234567890"}`,
          `- {name: gone, type: telegram, token: "${TOKEN}", api-url: "${vendor.apiUrl}", receivers: "-1000000000001"}`,
        ].join('\n'),
      }),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^✓ telegram "tg" delivered in \d+ ms$/m);
    expect(result.stdout).toContain(
      '::warning::✗ telegram "gone" failed: -1000000000001: Telegram rejected the message (400 Bad Request: chat not found)',
    );
    expect(vendor.accepted).toHaveLength(1);
    expect(vendor.accepted[0]!.text.split('\n')[0]).toBe('👍 Workflow CI #47 succeeded');
    expect(result.outputs).toMatchObject({ sent: '1', failed: '1' });
    const visible = result.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    expect(visible).not.toContain('AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0');
  });
});
