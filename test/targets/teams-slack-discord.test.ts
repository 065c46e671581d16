import { afterEach, describe, expect, it } from 'vitest';
import { fixtureContext, fixtureInput, fixtureTarget } from '../helpers/fixtures.js';
import { discordRateLimit, startDiscord, startSlack, startTeams, type Emulator } from '../helpers/vendors.js';
import { send } from './helpers.js';

const servers: Emulator[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function track(server: Promise<Emulator>): Promise<Emulator> {
  const s = await server;
  servers.push(s);
  return s;
}

function bigContext() {
  const jobs = Array.from({ length: 40 }, (_, i) => ({
    name: `job ${i} ${'x'.repeat(400)}`,
    displayName: `job ${i} ${'x'.repeat(400)}`,
    type: 'github-actions',
    status: 'passed',
    startTime: 0,
    endTime: 0,
    error: '',
  }));
  return fixtureContext({ stages: [{ name: 'big', jobs }] });
}

type Card = {
  body: { type: string; style?: string; text?: string; items?: { text: string }[]; facts?: unknown }[];
  actions: unknown[];
  msteams: { entities: unknown[] };
  version: string;
};
const cardOf = (m: Record<string, unknown>) => (m.attachments as { content: Card }[])[0]!.content;

describe('teams', () => {
  it('delivers an Adaptive Card 1.4 (202), coloured by status, with facts and an OpenUrl action', async () => {
    const vendor = await track(startTeams({ sig: 'bXlTaWduYXR1cmU' }));
    const { result } = await send(fixtureInput(fixtureTarget({ type: 'teams', webhook: vendor.webhook })));
    expect(result).toMatchObject({ state: 'sent', attempts: 1 });
    const card = cardOf(vendor.accepted[0]!);
    expect(card.version).toBe('1.4');
    expect(card.body[0]).toMatchObject({ type: 'Container', style: 'attention' });
    expect(card.body[1]).toMatchObject({
      type: 'FactSet',
      facts: [
        { title: 'Executor', value: 'ann' },
        { title: 'Project', value: 'acme/shop' },
        { title: 'Start time', value: '2026-11-20 08:00:02 UTC' },
        { title: 'Duration', value: '3m 58s' },
        { title: 'Remark', value: 'Fix checkout for "quoted" carts' },
      ],
    });
    expect(card.actions).toEqual([
      {
        type: 'Action.OpenUrl',
        title: 'Click for more information',
        url: 'https://github.com/acme/shop/actions/runs/8123456789',
      },
    ]);
  });

  it('mentions by email through msteams.entities with the <at> text in the card', async () => {
    const vendor = await track(startTeams({ sig: 'bXlTaWduYXR1cmU' }));
    const { result, warnings } = await send(
      fixtureInput(fixtureTarget({ type: 'teams', webhook: vendor.webhook, at: ['$ann', 'lead@corp.example', 'all'] })),
    );
    expect(result.state).toBe('sent');
    expect(cardOf(vendor.accepted[0]!).msteams.entities).toEqual([
      {
        type: 'mention',
        text: '<at>lead@corp.example</at>',
        mentioned: { id: 'lead@corp.example', name: 'lead@corp.example' },
      },
      {
        type: 'mention',
        text: '<at>ann@corp.example</at>',
        mentioned: { id: 'ann@corp.example', name: 'ann@corp.example' },
      },
    ]);
    expect(warnings).toEqual([
      'teams "teams#0": cannot mention everyone: a Teams webhook cannot notify a whole channel',
    ]);
  });

  it('keeps the card within 28 KB and reports a wrong signature as final', async () => {
    const vendor = await track(startTeams({ sig: 'bXlTaWduYXR1cmU' }));
    const { result } = await send(
      fixtureInput(fixtureTarget({ type: 'teams', webhook: vendor.webhook }), 'passed', bigContext()),
    );
    expect(result.state).toBe('sent');
    expect(Buffer.byteLength(vendor.requests[0]!.body)).toBeLessThanOrEqual(28_000);
    const wrong = await send(
      fixtureInput(fixtureTarget({ type: 'teams', webhook: vendor.webhook.replace('bXlTaWduYXR1cmU', 'bad') })),
    );
    expect(wrong.result).toMatchObject({ state: 'failed', attempts: 1 });
    expect(wrong.result.error).toMatch(/^HTTP 401 Unauthorized: \{"error":\{"code":"DirectApiAuthorizationRequired"/);
  });
});

describe('slack', () => {
  const path = '/services/T0AAAAAAA/B0BBBBBBB/XyZ0123456789abcdefghij';

  it('delivers text, a header and a coloured attachment; the answer must be ok', async () => {
    const vendor = await track(startSlack({ path }));
    const { result } = await send(fixtureInput(fixtureTarget({ type: 'slack', webhook: vendor.webhook })));
    expect(result).toMatchObject({ state: 'sent', attempts: 1 });
    const body = vendor.accepted[0] as {
      text: string;
      blocks: unknown[];
      attachments: { color: string; blocks: { type: string }[] }[];
    };
    expect(body.text).toBe('❌ Workflow CI #47 failed');
    expect(body.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: '❌ Workflow CI #47 failed', emoji: true } },
    ]);
    expect(body.attachments[0]!.color).toBe('#e01e5a');
    expect(body.attachments[0]!.blocks.map((b) => b.type)).toEqual([
      'section',
      'section',
      'section',
      'section',
      'actions',
    ]);
  });

  it('mentions <@U…> and <!channel> only when configured', async () => {
    const vendor = await track(startSlack({ path }));
    await send(fixtureInput(fixtureTarget({ type: 'slack', webhook: vendor.webhook, at: ['$ann', 'all'] })));
    const body = vendor.accepted[0] as { text: string; blocks: { text: { text: string } }[] };
    expect(body.text).toBe('❌ Workflow CI #47 failed <!channel> <@U0ANN>');
    expect(body.blocks[1]!.text.text).toBe('<!channel> <@U0ANN>');
  });

  it('keeps every section within 3,000 characters', async () => {
    const vendor = await track(startSlack({ path }));
    const { result } = await send(
      fixtureInput(fixtureTarget({ type: 'slack', webhook: vendor.webhook }), 'passed', bigContext()),
    );
    expect(result.state).toBe('sent');
  });

  it('explains Slack error words and does not retry them', async () => {
    const vendor = await track(startSlack({ path }));
    const { result } = await send(
      fixtureInput(fixtureTarget({ type: 'slack', webhook: vendor.webhook.replace('XyZ', 'Abc') })),
    );
    expect(result).toMatchObject({
      state: 'failed',
      attempts: 1,
      error:
        'Slack rejected the message (404 no_service): the webhook address is wrong, or the app or webhook was removed',
    });
  });
});

describe('discord', () => {
  it('posts with ?wait=true an embed coloured by status and allowed_mentions naming exactly the users', async () => {
    const vendor = await track(startDiscord({ id: '1234567890123456789', token: 'tok-en_ABC123xyz' }));
    const { result } = await send(
      fixtureInput(fixtureTarget({ type: 'discord', webhook: vendor.webhook, at: ['$ann', '222333444555666777'] })),
    );
    expect(result).toMatchObject({ state: 'sent', attempts: 1 });
    expect(vendor.requests[0]!.url).toBe('/api/webhooks/1234567890123456789/tok-en_ABC123xyz?wait=true');
    const body = vendor.accepted[0] as {
      content: string;
      embeds: Record<string, unknown>[];
      allowed_mentions: unknown;
    };
    expect(body.content).toBe('<@80351110224678912> <@222333444555666777>');
    expect(body.allowed_mentions).toEqual({ parse: [], users: ['80351110224678912', '222333444555666777'] });
    expect(body.embeds[0]).toMatchObject({
      title: '❌ Workflow CI #47 failed',
      color: 0xe01e5a,
      url: 'https://github.com/acme/shop/actions/runs/8123456789',
    });
  });

  it('lets everyone be pinged only for "all"', async () => {
    const vendor = await track(startDiscord({ id: '1234567890123456789', token: 'tok-en_ABC123xyz' }));
    await send(fixtureInput(fixtureTarget({ type: 'discord', webhook: vendor.webhook, at: ['all'] })));
    expect(vendor.accepted[0]).toMatchObject({
      content: '@everyone',
      allowed_mentions: { parse: ['everyone'], users: [] },
    });
  });

  it("honours a 429's retry_after and then delivers", async () => {
    const vendor = await track(
      startDiscord({ id: '1234567890123456789', token: 'tok-en_ABC123xyz', first: [discordRateLimit] }),
    );
    const { result, waits } = await send(fixtureInput(fixtureTarget({ type: 'discord', webhook: vendor.webhook })));
    expect(result).toMatchObject({ state: 'sent', attempts: 2 });
    // retry_after (0.35 s) wins over the Retry-After header (1 s).
    expect(waits).toEqual([350]);
  });

  it('keeps within the embed limits and explains a deleted webhook', async () => {
    const vendor = await track(startDiscord({ id: '1234567890123456789', token: 'tok-en_ABC123xyz' }));
    const big = await send(
      fixtureInput(fixtureTarget({ type: 'discord', webhook: vendor.webhook }), 'passed', bigContext()),
    );
    expect(big.result.state).toBe('sent');
    const gone = await send(
      fixtureInput(fixtureTarget({ type: 'discord', webhook: vendor.webhook.replace('1234567890123456789', '999') })),
    );
    expect(gone.result).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: 'Discord rejected the message (10015 Unknown Webhook): the webhook was deleted or the address is wrong',
    });
  });
});
