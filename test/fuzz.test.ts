// Property tests: whatever the input, no crash, and the promises hold.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeLayers, validate } from '../src/config/load.js';
import { expandAll } from '../src/config/expand.js';
import { INPUT_NAMES, TARGET_TYPES, targetKeys, type TargetType } from '../src/config/schema.js';
import { readGitHubContext } from '../src/context/github.js';
import { preview } from '../src/deliver.js';
import { splitList } from '../src/lists.js';
import { escapeHtml } from '../src/message/escape.js';
import { escapeChatMarkdown } from '../src/targets/chat-markdown.js';
import { escapeDiscord } from '../src/targets/discord.js';
import { escapeLarkMd } from '../src/targets/feishu-card.js';
import { escapeSlack } from '../src/targets/slack.js';
import { escapeTeams } from '../src/targets/teams.js';
import { codePoints, jsonBytes, truncateTo, utf8Bytes } from '../src/message/truncate.js';
import { rollUpStatus, ZADIG_STATUSES } from '../src/status.js';
import { ALL_TARGETS } from './helpers/targets.js';
import { fixtureContext, fixtureInput, fixtureTarget } from './helpers/fixtures.js';
import { githubEnv } from './helpers/run-dist.js';

const RUNS = { numRuns: 150 };
/** Any text, including astral characters, lone surrogates' neighbours, controls and markup. */
const anyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom(
    '<!channel>',
    '@everyone',
    '<at id=all></at>',
    '{{workflow.status}}',
    '"\\\n\r\t',
    '&lt;',
    '😀'.repeat(30),
    '長'.repeat(50),
  ),
);
const isWellFormed = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s;

describe('config parser', () => {
  it('never throws on any input values, and every problem has a path', async () => {
    const values = fc.dictionary(fc.constantFrom(...INPUT_NAMES), fc.oneof(anyText, fc.jsonValue()), { maxKeys: 6 });
    await fc.assert(
      fc.asyncProperty(values, async (picked) => {
        const inputs = Object.fromEntries(
          Object.entries(picked).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
        );
        const { raw, errors } = await mergeLayers({ env: {}, inputs, flags: {} });
        const result = validate(raw, {}, errors.length === 0);
        if (!result.ok) for (const e of result.errors) expect(e).toMatch(/^[^:\s]+.*: /);
      }),
      RUNS,
    );
  });

  it('never throws on any targets list', () => {
    const target = fc.dictionary(fc.constantFrom(...targetKeys(), 'wehbook', 'x'), fc.oneof(anyText, fc.jsonValue()), {
      maxKeys: 6,
    });
    fc.assert(
      fc.property(fc.array(fc.oneof(target, fc.jsonValue()), { maxLength: 4 }), (targets) => {
        const result = validate({ targets }, {});
        expect(typeof result.ok).toBe('boolean');
      }),
      RUNS,
    );
  });

  it('splits any list into trimmed, non-empty items', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.array(fc.oneof(anyText, fc.integer(), fc.constant(null)))), (value) => {
        for (const item of splitList(value)) {
          expect(item).toBe(item.trim());
          expect(item).not.toBe('');
        }
      }),
      RUNS,
    );
  });
});

describe('${NAME} expansion', () => {
  it('leaves text without a reference unchanged, replaces set names, reports unset ones', () => {
    fc.assert(
      fc.property(
        anyText.filter((s) => !s.includes('${')),
        fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,8}$/),
        anyText,
        (plain, name, value) => {
          const errors: string[] = [];
          expect(expandAll(plain, {}, 'x', errors)).toBe(plain);
          expect(expandAll(`a\${${name}}b`, { [name]: value }, 'x', errors)).toBe(`a${value}b`);
          expect(errors).toEqual([]);
          expandAll(`\${${name}}`, {}, 'x', errors);
          expect(errors).toEqual([`x: \${${name}} is not set in the environment`]);
          // The expanded value is not expanded again.
          expect(expandAll(`\${${name}}`, { [name]: '${OTHER}' }, 'x', [])).toBe('${OTHER}');
        },
      ),
      RUNS,
    );
  });
});

describe('truncation', () => {
  it('cuts any text within the limit, on a character boundary, keeping valid UTF-8', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.integer({ min: 20, max: 500 }), (text, limit) => {
        for (const size of [utf8Bytes, codePoints, jsonBytes]) {
          const cut = truncateTo(text, limit, '…(truncated)', size);
          expect(size(cut)).toBeLessThanOrEqual(limit);
          expect(isWellFormed(cut)).toBe(true);
          if (size(text) <= limit) expect(cut).toBe(text);
        }
      }),
      RUNS,
    );
  });

  const LIMITS: Partial<Record<TargetType, number>> = { dingtalk: 20_000, feishu: 20_000, teams: 28_000 };
  it.each(TARGET_TYPES)('%s: any pipeline text gives valid JSON within the vendor limit', (type) => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 3000 }), fc.integer({ min: 1, max: 60 }), (text, jobs) => {
        const context = fixtureContext({ remark: text });
        context.repo.commitMessage = text.repeat(10);
        context.stages = [
          {
            name: text.slice(0, 50) || 's',
            jobs: Array.from({ length: jobs }, (_, i) => ({
              name: `${i}${text}`,
              displayName: `${i}${text}`,
              type: 'x',
              status: 'failed',
              startTime: 0,
              endTime: 0,
              error: text,
            })),
          },
        ];
        const fields = {
          webhook: type === 'discord' ? 'https://discord.com/api/webhooks/1/T' : 'https://hooks.example.com/h',
          smtp: 'smtp://u:p@h:25',
          to: ['a@b.c'],
          appId: 'a',
          appSecret: 'b',
          corpId: 'ww1',
          agentId: '1000002',
          receivers: ['oc'],
          token: 'xoxb-t',
          appKey: 'k',
          robotCode: 'k',
        };
        const input = fixtureInput(fixtureTarget({ type, ...fields }), 'failed', context);
        const shown = preview({ target: input.target, definition: ALL_TARGETS[type]!, events: ['failed'], input });
        for (const request of shown.requests) {
          const body = request.body ?? '{}';
          expect(isWellFormed(body)).toBe(true);
          const parsed = JSON.parse(body);
          const limit = LIMITS[type];
          if (limit) expect(Buffer.byteLength(body)).toBeLessThanOrEqual(limit);
          if (type === 'wecom')
            expect(utf8Bytes(parsed.markdown?.content ?? parsed.text.content)).toBeLessThanOrEqual(
              parsed.markdown ? 4096 : 2048,
            );
          if (type === 'wecom-app' && parsed.markdown)
            expect(utf8Bytes(parsed.markdown.content)).toBeLessThanOrEqual(2048);
          if (type === 'feishu-app' && parsed.content)
            expect(Buffer.byteLength(parsed.content)).toBeLessThanOrEqual(30_000);
          if (type === 'dingtalk-app' && parsed.msgParam)
            expect(Buffer.byteLength(parsed.msgParam)).toBeLessThanOrEqual(20_000);
          if ((type === 'slack' || type === 'slack-app') && parsed.attachments)
            for (const b of parsed.attachments[0].blocks)
              if (b.text) expect(codePoints(b.text.text)).toBeLessThanOrEqual(3000);
          if (type === 'discord') {
            const e = parsed.embeds[0];
            const total =
              codePoints(e.title) +
              codePoints(e.description) +
              e.fields.reduce(
                (n: number, f: { name: string; value: string }) => n + codePoints(f.name) + codePoints(f.value),
                0,
              );
            expect(total).toBeLessThanOrEqual(6000);
          }
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('escaping', () => {
  it('leaves no active markup in any dialect', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(escapeSlack(text)).not.toMatch(/[<>]/);
        expect(escapeSlack(text).replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
        expect(escapeLarkMd(text).replace(/&#\d+;/g, '')).not.toMatch(/[<>*_~`[\]#&]/);
        expect(escapeChatMarkdown(text)).not.toMatch(/[<>]/);
        expect(escapeHtml(text)).not.toMatch(/[<>"']/);
        // Every @ is broken for Discord, every < for Teams.
        expect(escapeDiscord(text)).not.toMatch(/@(?!\u200b)/);
        expect(escapeTeams(text)).not.toMatch(/<(?!\u200b)/);
      }),
      RUNS,
    );
  });
});

describe('status roll-up', () => {
  it('is a Zadig status, ignores order, and any failure fails it', () => {
    const word = fc.oneof(fc.constantFrom(...ZADIG_STATUSES), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(fc.array(word, { maxLength: 12 }), (statuses) => {
        const status = rollUpStatus(statuses);
        expect(ZADIG_STATUSES).toContain(status);
        expect(rollUpStatus([...statuses].reverse())).toBe(status);
        if (statuses.includes('failed')) expect(status).toBe('failed');
        expect(rollUpStatus([...statuses, 'failed'])).toBe('failed');
      }),
      RUNS,
    );
  });
});

describe('malformed event files and API answers', () => {
  const io = () => {
    const lines: string[] = [];
    return { lines, io: { warning: (l: string) => lines.push(l), info: () => {}, debug: () => {} } };
  };

  it('survives any event file', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v)),
          anyText,
        ),
        async (file) => {
          const { io: sink } = io();
          const context = await readGitHubContext(
            githubEnv({ GITHUB_EVENT_PATH: 'e.json', GITHUB_EVENT_NAME: 'workflow_run' }),
            {
              token: '',
              needs: undefined,
              policy: { retries: 0, timeoutMs: 1000 },
              io: sink,
              readFile: () => file,
            },
          );
          expect(typeof context.status).toBe('string');
        },
      ),
      { numRuns: 100 },
    );
  });

  it('survives any jobs answer: missing fields, nulls, unknown statuses, an HTML page', async () => {
    const { startGitHubApi } = await import('./helpers/github-api.js');
    const job = fc.record(
      {
        name: fc.oneof(anyText, fc.constant(null)),
        status: fc.oneof(fc.constantFrom('completed', 'queued', 'weird'), fc.constant(null)),
        conclusion: fc.oneof(fc.constantFrom('success', 'failure', 'exploded'), fc.constant(null)),
        started_at: fc.oneof(
          fc.constant('not a date'),
          fc.constant(null),
          fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
        ),
        steps: fc.oneof(fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 2 })),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(job, { maxLength: 5 }), async (jobs) => {
        const api = await startGitHubApi({
          run: { id: 8123456789, name: null },
          jobs: jobs as Record<string, unknown>[],
        });
        try {
          const context = await readGitHubContext(githubEnv({ GITHUB_API_URL: api.url }), {
            token: 't',
            needs: undefined,
            policy: { retries: 0, timeoutMs: 2000 },
            io: io().io,
          });
          expect(typeof context.status).toBe('string');
        } finally {
          await api.close();
        }
      }),
      { numRuns: 30 },
    );
    const { startReceiver } = await import('./helpers/receiver.js');
    const html = await startReceiver([
      { status: 200, body: '<html><body>Service Unavailable</body></html>', headers: { 'Content-Type': 'text/html' } },
    ]);
    const { io: sink, lines } = io();
    const context = await readGitHubContext(githubEnv({ GITHUB_API_URL: html.url }), {
      token: 't',
      needs: undefined,
      policy: { retries: 0, timeoutMs: 2000 },
      io: sink,
    });
    await html.close();
    expect(context.statusSource).toBe('none');
    expect(lines[0]).toBe(
      "Cannot read this run's jobs (the answer is not JSON: <html><body>Service Unavailable</body></html>).",
    );
  });
});
