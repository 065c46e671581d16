// slack-app against a loopback Slack Web API: DMs through members and emails, channels, one
// result per receiver, Slack's refusals in one clear line each, and its rate limit honoured.
import { afterEach, describe, expect, it } from 'vitest';
import { deliver } from '../../src/deliver.js';
import { slackBody } from '../../src/targets/slack.js';
import { ALL_TARGETS } from '../helpers/targets.js';
import type { BuildInput } from '../../src/targets/types.js';
import { fixtureInput, fixtureTarget } from '../helpers/fixtures.js';
import { startSlackApi, type SlackApi, type SlackApiOptions } from '../helpers/slack-api.js';
import { send } from './helpers.js';

const TOKEN = 'xoxb-1111-2222-SlackBotT0ken';
const USERS = { 'ann@corp.example': 'U0ANN', 'dev@corp.example': 'U0DEV' };

let api: SlackApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function start(options: Partial<SlackApiOptions> = {}): Promise<SlackApi> {
  api = await startSlackApi({ token: TOKEN, users: USERS, channels: ['C0OPS'], ...options });
  return api;
}

/** The error without deliver's "(after N attempts)", which counts every call of an app target. */
const withoutAttempts = (error: string | null) => error?.replace(/ \(after \d+ attempts\)$/, '');

function input(receivers: string[], extra: Record<string, unknown> = {}): BuildInput {
  return fixtureInput(fixtureTarget({ type: 'slack-app', token: TOKEN, receivers, apiUrl: api!.url, ...extra }));
}

describe('slack-app', () => {
  it('messages $creator directly: the member id, conversations.open, then chat.postMessage', async () => {
    await start();
    const sent = input(['$creator']);
    const { result } = await send(sent);
    expect(result).toMatchObject({ state: 'sent', error: null, attempts: 2 });
    expect(api!.calls).toEqual(['conversations.open', 'chat.postMessage']);
    expect(api!.requests[0]!.body).toBe('{"users":"U0ANN"}');
    const post = api!.requests[1]!;
    expect(post.method).toBe('POST');
    expect(post.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(post.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(post.body)).toEqual({ channel: 'D0ANN', ...slackBody(sent.message).body });
    expect(result.receivers).toEqual([{ receiver: '$creator (U0ANN)', ok: true }]);
    expect(result.ref).toEqual([{ channel: 'D0ANN', ts: api!.posted[0]!.ts }]);
  });

  it('posts to a channel id as it is, with the text and blocks of the webhook target', async () => {
    await start();
    const sent = input(['C0OPS']);
    const { result } = await send(sent);
    expect(result.state).toBe('sent');
    expect(api!.calls).toEqual(['chat.postMessage']);
    const body = api!.posted[0]!.body as { text: string; blocks: unknown[]; attachments: unknown[] };
    expect(body.text).toBe('❌ Workflow CI #47 failed');
    expect(body.attachments).toEqual(slackBody(sent.message).body.attachments);
    expect(result.receivers).toEqual([{ receiver: 'C0OPS', ok: true }]);
  });

  it('looks an email up with a GET (Slack refuses JSON there) and shows it by its domain', async () => {
    await start();
    const { result } = await send(input(['dev@corp.example']));
    expect(result.state).toBe('sent');
    expect(api!.calls).toEqual(['users.lookupByEmail', 'conversations.open', 'chat.postMessage']);
    const lookup = api!.requests[0]!;
    expect(lookup.method).toBe('GET');
    expect(lookup.url).toBe('/users.lookupByEmail?email=dev%40corp.example');
    expect(lookup.body).toBe('');
    expect(api!.posted.map((p) => p.channel)).toEqual(['D0DEV']);
    expect(result.receivers).toEqual([{ receiver: '…@corp.example', ok: true }]);
  });

  it('delivers to the others when one receiver is unknown, and fails naming only that one', async () => {
    await start();
    const { result } = await send(input(['C0OPS', 'ghost@corp.example', '$ann', '$carol']));
    expect(api!.posted.map((p) => p.channel)).toEqual(['C0OPS', 'D0ANN']);
    expect(result.state).toBe('failed');
    expect(withoutAttempts(result.error)).toBe(
      '2 of 4 receivers did not get it: …@corp.example: Slack refused users.lookupByEmail (users_not_found): no Slack user has this email; $carol: carol is not in members',
    );
    expect(result.receivers).toEqual([
      { receiver: 'C0OPS', ok: true },
      {
        receiver: '…@corp.example',
        ok: false,
        error: 'Slack refused users.lookupByEmail (users_not_found): no Slack user has this email',
      },
      { receiver: '$ann (U0ANN)', ok: true },
      { receiver: '$carol', ok: false, error: 'carol is not in members' },
    ]);
    expect(result.ref).toHaveLength(2);
  });

  it('stops at a refused token with one line, without retrying', async () => {
    await start();
    const { result } = await send(
      fixtureInput(
        fixtureTarget({ type: 'slack-app', token: 'xoxb-wrong', receivers: ['C0OPS', 'U0DEV'], apiUrl: api!.url }),
      ),
    );
    expect(result).toMatchObject({ state: 'failed', attempts: 1, failure: { kind: 'refused', code: 'invalid_auth' } });
    expect(result.error).toBe(
      'Slack refused chat.postMessage (invalid_auth): the token is not valid: set token to the Bot User OAuth Token (xoxb-…)',
    );
    expect(result.receivers).toBeUndefined();
    expect(api!.calls).toEqual(['chat.postMessage']);
  });

  it.each([
    ['token_revoked', 'the token was revoked: reinstall the app and use its new token'],
    ['account_inactive', "the token's bot or user was deactivated: reinstall the app and use its new token"],
  ])('says what %s means', async (error, hint) => {
    await start({ error });
    const { result } = await send(input(['C0OPS']));
    expect(result.error).toBe(`Slack refused chat.postMessage (${error}): ${hint}`);
    expect(result.attempts).toBe(1);
  });

  it('names the scope a call is missing', async () => {
    await start({ scopes: ['chat:write', 'im:write'] });
    const { result } = await send(input(['dev@corp.example', 'C0OPS']));
    expect(result.receivers).toEqual([
      {
        receiver: '…@corp.example',
        ok: false,
        error:
          'Slack refused users.lookupByEmail (missing_scope): add the users:read.email scope under OAuth & Permissions and reinstall the app',
      },
      { receiver: 'C0OPS', ok: true },
    ]);
  });

  it.each([
    ['C0GONE', 'channel_not_found', 'no such channel, or a private channel the app was not invited to'],
    ['C0OUT', 'not_in_channel', 'the app is not in this channel: invite it (/invite @<app name>)'],
    ['C0OLD', 'is_archived', 'the channel is archived'],
  ])('explains %s (%s) in one line', async (channel, error, hint) => {
    await start({ notIn: ['C0OUT'], archived: ['C0OLD'] });
    const { result } = await send(input([channel]));
    expect(result.error).toBe(`${channel}: Slack refused chat.postMessage (${error}): ${hint}`);
    expect(result.attempts).toBe(1);
  });

  it("honours a 429's Retry-After before posting again", async () => {
    await start({ rateLimited: { times: 1, retryAfter: '3' } });
    const waits: number[] = [];
    let now = 0;
    const clock = { now: () => now, random: () => 0.5, sleep: async (ms: number) => void waits.push((now += ms)) };
    const sent = input(['C0OPS']);
    const { result } = await deliver(
      { target: sent.target, definition: ALL_TARGETS['slack-app']!, events: ['failed'], input: sent },
      { retries: 2, timeoutSeconds: 5 },
      new Map(),
      { warning: () => {}, secret: () => {} },
      clock,
    );
    expect(result).toMatchObject({ state: 'sent', attempts: 2 });
    expect(waits).toEqual([3000]);
    expect(api!.calls).toEqual(['chat.postMessage', 'chat.postMessage']);
  });

  it('shows every request in a dry run, the token hidden, the look-ups listed but not made', async () => {
    await start();
    const sent = input(['dev@corp.example', 'C0OPS', '$nobody']);
    const { result, preview } = await deliver(
      { target: sent.target, definition: ALL_TARGETS['slack-app']!, events: ['failed'], input: sent },
      { retries: 2, timeoutSeconds: 5, dryRun: true },
      new Map(),
      { warning: () => {}, secret: () => {} },
    );
    expect(result.state).toBe('dry-run');
    expect(api!.requests).toEqual([]);
    expect(preview!.requests.map((r) => `${r.method} ${r.url.slice(api!.url.length)}`)).toEqual([
      'GET /users.lookupByEmail?email=dev%40corp.example',
      'POST /conversations.open',
      'POST /chat.postMessage',
      'POST /chat.postMessage',
    ]);
    expect(preview!.requests.every((r) => r.headers.Authorization === 'Bearer <token>')).toBe(true);
    expect(JSON.stringify(preview)).not.toContain(TOKEN);
    expect(preview!.requests[1]!.body).toBe('{"users":"<user of …@corp.example>"}');
    expect(JSON.parse(preview!.requests[2]!.body!).channel).toBe('<DM of …@corp.example>');
    expect(preview!.lines).toEqual([
      '…@corp.example: looked up with users.lookupByEmail when sending (not in a dry run)',
    ]);
    expect(preview!.warnings).toEqual(['receiver $nobody is skipped: nobody is not in members']);
  });
});
