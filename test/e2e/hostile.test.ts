// Hostile answers and inputs, through dist/index.js: issue 11's fault-and-hostility suite, one
// test (or a few) per item, each failing on the dist of cbbdf3b unless it guards a promise that
// dist already kept (item 15's vendors, NO_PROXY). Items 4–9 (secrets) are in
// hostile-secrets.test.ts; item 3 through needs and the GitHub API, and item 17's page loop, in
// truth.test.ts, and its 60 s limit in context-deadline.test.ts; item 21's commit and PR title on
// GitHub in commands.test.ts. Every server is on loopback.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';
import { example } from '../helpers/examples.js';
import { gitlabEnv, startGitLabApi } from '../helpers/gitlab-api.js';
import { startReceiver, type Received, type Receiver, type Reply } from '../helpers/receiver.js';
import { githubEnv, runDist, type RunResult } from '../helpers/run-dist.js';
import { startSmtp } from '../helpers/smtp.js';
import {
  startDingTalk,
  startDiscord,
  startFeishu,
  startSlack,
  startTeams,
  startWeCom,
  type Emulator,
} from '../helpers/vendors.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const folder = mkdtempSync(join(tmpdir(), 'wn-hostile-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Starts a loopback server and stops it after the test. */
async function track<T extends { close(): Promise<void> }>(started: Promise<T>): Promise<T> {
  const server = await started;
  closers.push(() => server.close());
  return server;
}

const receiver = (reply: Reply[] | ((request: Received, index: number) => Reply) = [{}]): Promise<Receiver> =>
  track(startReceiver(reply));

function onGitHub(env: Record<string, string | undefined>, event = example('push')): Promise<RunResult> {
  return runDist({ env: githubEnv({ INPUT_STATUS: 'failure', ...env }), event });
}

/** The lines of a configuration error, as printed on GitHub. */
function configErrors(run: RunResult): string[] {
  return run.stdout.split('\n').filter((line) => line.startsWith('::error::'));
}

/** A DingTalk stand-in that answers with `body` compressed as `encoding`; records headers. */
async function compressingDingTalk(
  encoding: 'gzip' | 'deflate' | 'br',
  body: unknown,
): Promise<{ webhook: string; headers: IncomingHttpHeaders[] }> {
  const headers: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    headers.push(req.headers);
    req.resume();
    req.on('end', () => {
      const text = JSON.stringify(body);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': encoding });
      const compress = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync }[encoding];
      res.end(compress(text));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { webhook: `http://127.0.0.1:${port}/robot/send?access_token=dd0token0123456789`, headers };
}

interface Result {
  name: string;
  state: string;
  ok: boolean;
  skipped: boolean;
  error: string | null;
  attempts: number;
}

function results(run: RunResult): Result[] {
  return JSON.parse(run.outputs.results!) as Result[];
}

const states = (run: RunResult) => results(run).map((r) => [r.name, r.state]);

describe('hostile answers and inputs', () => {
  it('reads a compressed vendor answer (gzip, deflate, br) and sends User-Agent and Accept-Encoding: identity', async () => {
    const accepting = await compressingDingTalk('gzip', { errcode: 0, errmsg: 'ok' });
    const deflated = await compressingDingTalk('deflate', { errcode: 0, errmsg: 'ok' });
    const refusing = await compressingDingTalk('br', { errcode: 310000, errmsg: 'keywords not in content' });
    const run = await runDist({
      env: githubEnv({
        INPUT_STATUS: 'success',
        INPUT_TARGETS: [
          `- {type: dingtalk, name: accepting, webhook: "${accepting.webhook}"}`,
          `- {type: dingtalk, name: deflated, webhook: "${deflated.webhook}"}`,
          `- {type: dingtalk, name: refusing, webhook: "${refusing.webhook}"}`,
        ].join('\n'),
      }),
      event: example('push'),
    });
    expect(
      results(run).map((r) => [r.name, r.ok, r.error?.startsWith('DingTalk rejected the message (310000') ?? null]),
    ).toEqual([
      ['accepting', true, null],
      ['deflated', true, null],
      ['refusing', false, true],
    ]);
    for (const headers of [...accepting.headers, ...deflated.headers, ...refusing.headers]) {
      expect([headers['user-agent'], headers['accept-encoding']]).toEqual([`workflow-notify/${VERSION}`, 'identity']);
    }
  });

  it('matches a branch glob in linear time: a pattern of 8 stars against a 70-character branch', async () => {
    // A backtracking matcher needed 8 s for 53 characters and 4× more every 8: minutes here, so the
    // test's own time limit fails it; a linear one answers at once.
    const branch = `x${'-'.repeat(67)}/y`;
    expect(branch).toHaveLength(70);
    const run = await runDist({
      env: githubEnv({
        GITHUB_REF: `refs/heads/${branch}`,
        GITHUB_REF_NAME: branch,
        INPUT_STATUS: 'success',
        INPUT_TARGETS: `- {type: webhook, name: globbed, branches: "*-*-*-*-*-*-*-*", webhook: "http://127.0.0.1:9/never"}`,
      }),
      event: example('push'),
    });
    expect(results(run)).toEqual([
      {
        name: 'globbed',
        type: 'webhook',
        state: 'skipped',
        ok: false,
        skipped: true,
        error: null,
        reason: `ref "${branch}" does not match branches *-*-*-*-*-*-*-*`,
        attempts: 0,
        ms: 0,
      },
    ]);
  });
});

describe('item 1: values that cannot go into a header', () => {
  it('trims a secret and a webhook address with a trailing newline, delivers and reports every target', async () => {
    const hook = await receiver();
    const other = await receiver();
    const run = await onGitHub({
      INPUT_TYPE: 'webhook',
      INPUT_WEBHOOK: `${hook.url}/single\n`,
      INPUT_SECRET: 'tok-from-file-4242\n',
      INPUT_TARGETS: `- {type: webhook, name: listed, webhook: "${other.url}/listed", headers: {X-Api-Key: "key-from-file-77\\n"}}`,
    });
    expect(run.code).toBe(0);
    expect(run.stdout + run.stderr).not.toContain('unexpected failure');
    expect(results(run).map((r) => r.state)).toEqual(['sent', 'sent']);
    expect(hook.requests.map((r) => [r.url, r.headers['x-zadig-token']])).toEqual([['/single', 'tok-from-file-4242']]);
    expect(other.requests.map((r) => r.headers['x-api-key'])).toEqual(['key-from-file-77']);
  });

  it('fails only its target, naming the header, when a value HTTP cannot carry comes from a secret', async () => {
    const hook = await receiver();
    const other = await receiver();
    const run = await onGitHub({
      TOKEN: 'tok-line-one\ntok-line-two',
      INPUT_TARGETS: `- {type: webhook, name: bad, webhook: "${hook.url}/h", secret: "\${TOKEN}"}\n- {type: webhook, name: good, webhook: "${other.url}/h"}`,
    });
    expect(run.code).toBe(0);
    expect(results(run).map((r) => [r.name, r.state, r.error])).toEqual([
      [
        'bad',
        'failed',
        'the value of header "X-Zadig-Token" cannot be sent (a line break, control character or character outside Latin-1)',
      ],
      ['good', 'sent', null],
    ]);
    expect([hook.requests.length, other.requests.length]).toEqual([0, 1]);
    expect(run.summary).toContain('X-Zadig-Token');
  });

  it('refuses a header value outside Latin-1 when the config loads, naming the header', async () => {
    const hook = await receiver();
    const run = await onGitHub({
      INPUT_TARGETS: `- {type: webhook, webhook: "${hook.url}/h", headers: {X-Team: "運維"}}`,
    });
    expect(run.code).toBe(1);
    expect(configErrors(run)).toEqual([
      '::error::The configuration has 1 problem; nothing was sent:',
      '::error::  targets[0].headers.X-Team: a header value must be one line of Latin-1 text',
    ]);
    expect(hook.requests).toEqual([]);
  });
});

describe('item 2: addresses checked when the config loads', () => {
  it('names a webhook address whose user or password holds a stray %, instead of failing every attempt', async () => {
    const hook = await receiver();
    const run = await onGitHub({
      INPUT_TARGETS: `- {type: webhook, webhook: "http://hookuser9:pa%zz@127.0.0.1:9/h"}\n- {type: webhook, webhook: "${hook.url.replace('//', '//hookuser9:pa%25ss@')}/ok"}`,
    });
    expect(run.code).toBe(1);
    expect(configErrors(run)).toEqual([
      '::error::The configuration has 1 problem; nothing was sent:',
      // As a workflow command, % is written %25.
      '::error::  targets[0].webhook: the user or password holds a %25 that is not an escape: write it as %2525',
    ]);
    expect(hook.requests).toEqual([]);
  });

  it.each([
    ['a send', {}],
    ['a dry run', { 'INPUT_DRY-RUN': 'true' }],
  ])('names an SMTP password with a raw %, #, ? or / as one problem, in %s', async (_name, extra) => {
    const run = await onGitHub({
      ...extra,
      INPUT_TARGETS: `- {type: email, smtp: "smtp://bot:p%#?/w@127.0.0.1:2525", from: ci@acme.example, to: ops@acme.example}`,
    });
    expect(run.stdout + run.stderr).not.toContain('URI malformed');
    expect(run.code).toBe(1);
    expect(configErrors(run)).toEqual([
      '::error::The configuration has 1 problem; nothing was sent:',
      // As a workflow command, % is written %25 (the runner shows "write %, #, ?, / and @ … as %25, …").
      '::error::  targets[0].smtp: expected an smtp:// or smtps:// address: smtp://user:password@host:port; write %25, #, ?, / and @ in the user or password as %2525, %2523, %253F, %252F and %2540',
    ]);
    expect(run.stdout).not.toContain('p%#?/w');
  });

  it('names a Discord target whose address is not a Discord webhook, and a signed DingTalk address that is none', async () => {
    const run = await onGitHub({
      INPUT_TARGETS: [
        '- {type: discord, webhook: "https://hooks.slack.com/services/T0/B0/XYZ"}',
        '- {type: dingtalk, webhook: "oapi.dingtalk.com/robot/send?access_token=dd-0123456789", secret: SECabc123456}',
      ].join('\n'),
    });
    expect(run.stdout + run.stderr).not.toContain('URI malformed');
    expect(run.code).toBe(1);
    expect(configErrors(run)).toEqual([
      '::error::The configuration has 2 problems; nothing was sent:',
      '::error::  targets[0].webhook: expected a Discord webhook address: …/api/webhooks/<id>/<token>',
      '::error::  targets[1].webhook: expected an http:// or https:// address',
    ]);
  });
});

describe('item 3: status words that name inherited properties', () => {
  it.each([['constructor'], ['__proto__']])('refuses %s as the status input, listing the valid words', async (word) => {
    const run = await onGitHub({
      INPUT_STATUS: word,
      INPUT_TARGETS: '- {type: webhook, webhook: "http://127.0.0.1:9/h"}',
    });
    expect(run.stdout + run.stderr).not.toContain('unexpected failure');
    expect(run.code).toBe(1);
    expect(configErrors(run)).toEqual([
      '::error::The configuration has 1 problem; nothing was sent:',
      `::error::  status: unknown status "${word}": expected one of created, running, passed, failed, timeout, cancelled, wait_for_approval, skipped, reject (or a GitHub/GitLab word: success, failure, canceled, timed_out, …)`,
    ]);
  });

  it('tolerates them as GitLab job statuses', async () => {
    const gitlab = await track(
      startGitLabApi({
        token: 'glpat-hostile-0011',
        jobs: [
          { id: 1, name: 'build', stage: 'build', status: 'success' },
          { id: 2, name: 'odd', stage: 'test', status: 'constructor' },
          { id: 3, name: 'odder', stage: 'test', status: '__proto__' },
        ],
      }),
    );
    const hook = await receiver();
    const run = await runDist({
      env: gitlabEnv(gitlab.url, {
        NOTIFY_GITLAB_TOKEN: 'glpat-hostile-0011',
        NOTIFY_TYPE: 'webhook',
        NOTIFY_WEBHOOK: `${hook.url}/h`,
        NOTIFY_EVENTS: 'always',
      }),
    });
    expect(run.stdout + run.stderr).not.toContain('unexpected failure');
    expect(run.code).toBe(0);
    const payload = JSON.parse(hook.requests[0]!.body) as {
      workflow: { status: string; stages: { name: string; jobs: { name: string; status: string }[] }[] };
    };
    expect(payload.workflow.status).toBe('running');
    expect(payload.workflow.stages.map((st) => [st.name, st.jobs.map((j) => `${j.name}:${j.status}`)])).toEqual([
      ['build', ['build:passed']],
      ['test', ['odd:constructor', 'odder:__proto__']],
    ]);
  });
});

describe('items 10 and 11: YAML values read as written', () => {
  it('keeps unquoted numbers as written: two Discord ids, +86 and 0-led mobiles, 0x1F', async () => {
    const discord = await track(startDiscord({ id: '1111111111111111111', token: 'dc-token-5566' }));
    const dingtalk = await track(startDingTalk({ token: 'dd-token-7788' }));
    const hook = await receiver();
    const config = join(folder, 'numbers.yml');
    writeFileSync(
      config,
      [
        'targets:',
        '  - type: discord',
        `    webhook: ${discord.webhook}`,
        '    at: [1234567890123456789, 1234567890123456790]',
        '  - type: dingtalk',
        `    webhook: ${dingtalk.webhook}`,
        '    at: [+8613800000000, 013800000000]',
        '  - type: webhook',
        `    webhook: ${hook.url}/h`,
        '    headers:',
        '      X-Build: 0x1F',
      ].join('\n'),
    );
    const run = await onGitHub({ INPUT_CONFIG: config });
    expect((discord.accepted[0]!.allowed_mentions as { users: string[] }).users).toEqual([
      '1234567890123456789',
      '1234567890123456790',
    ]);
    expect((dingtalk.accepted[0]!.at as { atMobiles: string[] }).atMobiles).toEqual(['+8613800000000', '013800000000']);
    expect(hook.requests[0]!.headers['x-build']).toBe('0x1F');
    expect(run.code).toBe(0);
    expect(results(run).map((r) => r.state)).toEqual(['sent', 'sent', 'sent']);
  });

  it('refuses a map where a list is expected: a configuration error, exit 1, nothing sent', async () => {
    const hook = await receiver();
    const run = await onGitHub({
      INPUT_TARGETS: `- {type: webhook, webhook: "${hook.url}/h", branches: {main: true}}`,
    });
    expect(run.code).toBe(1);
    expect(configErrors(run)).toEqual([
      '::error::The configuration has 1 problem; nothing was sent:',
      '::error::  targets[0].branches: expected a list, or one text separated by ; , or newlines',
    ]);
    expect(hook.requests).toEqual([]);
  });
});

describe('item 12: one recipient is one address', () => {
  it('refuses a committer email holding two addresses, with a warning, and mails the others', async () => {
    const smtp = await track(startSmtp());
    const event = example('push');
    event.commits = [
      {
        id: 'a1',
        message: 'one',
        author: { name: 'Dev', email: 'dev@x.example, attacker@y.example', username: 'dev' },
      },
      { id: 'b2', message: 'two', author: { name: 'Ann', email: 'ann@acme.example', username: 'ann' } },
    ];
    const run = await onGitHub(
      { INPUT_TARGETS: `- {type: email, smtp: "${smtp.url()}", from: ci@acme.example, to: $committers}` },
      event,
    );
    expect(run.code).toBe(0);
    expect(smtp.mails.map((m) => m.to)).toEqual([['ann@acme.example']]);
    expect(run.stdout.split('\n').filter((line) => line.includes('not one email address'))).toEqual([
      '::warning::email "email#0": not sending to committer dev: "dev@x.example, attacker@y.example" is not one email address',
    ]);
  });
});

describe('item 14: DingTalk rate limit', () => {
  it('makes one attempt at 130101 and names the limit of 20 messages a minute per robot', async () => {
    const rateLimited = { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' };
    const dingtalk = await track(
      startDingTalk({ token: 'dd-token-1301', first: [{ body: JSON.stringify(rateLimited) }] }),
    );
    const run = await onGitHub({ INPUT_TARGETS: `- {type: dingtalk, name: dd, webhook: "${dingtalk.webhook}"}` });
    expect(dingtalk.requests).toHaveLength(1);
    expect(run.code).toBe(0);
    expect(results(run).map((r) => [r.state, r.attempts, r.error])).toEqual([
      [
        'failed',
        1,
        'DingTalk rejected the message (130101 send too fast, exceed 20 times per minute): rate limited: 20 messages a minute per robot',
      ],
    ]);
  });
});

describe("a vendor's words, however long", () => {
  it('prints the first 200 characters of a 1 MB error message, on one line, the token hidden before the cut', async () => {
    const token = 'dd-token-0123456789abcdef';
    const errmsg = `bad\nrobot ${'x'.repeat(180)} ${token} ${'y'.repeat(1_000_000)}`;
    const dingtalk = await receiver([{ body: JSON.stringify({ errcode: 400102, errmsg }) }]);
    const run = await onGitHub({
      INPUT_TARGETS: `- {type: dingtalk, name: dd, webhook: "${dingtalk.url}/robot/send?access_token=${token}"}`,
    });
    const shown = `bad robot ${'x'.repeat(180)} *** ${'y'.repeat(200)}`.slice(0, 200);
    expect(results(run).map((r) => r.error)).toEqual([`DingTalk rejected the message (400102 ${shown}…)`]);
    expect(run.stdout.length + run.summary.length + run.outputs.results!.length).toBeLessThan(20_000);
    expect(run.code).toBe(0);
  });
});

describe('item 15: one bad mention entry', () => {
  it('makes no vendor refuse the whole message; Discord leaves out a non-snowflake with a warning', async () => {
    const vendors: [string, Emulator][] = [
      ['dingtalk', await track(startDingTalk({ token: 'dd-token-1515' }))],
      ['feishu', await track(startFeishu({ hook: 'fs-hook-1515' }))],
      ['wecom', await track(startWeCom({ key: 'wc-key-1515' }))],
      ['teams', await track(startTeams({ sig: 'teams-sig-1515' }))],
      ['slack', await track(startSlack({ path: '/services/T0/B0/sl-1515' }))],
      ['discord', await track(startDiscord({ id: '1111111111111111111', token: 'dc-token-1515' }))],
    ];
    const at = `["not a snowflake!", "<at id=all></at>", "x@@y", "+", "<!channel>"]`;
    const run = await onGitHub({
      INPUT_TARGETS: vendors
        .map(([type, v]) => `- {type: ${type}, name: ${type}, webhook: "${v.webhook}", at: ${at}}`)
        .join('\n'),
    });
    expect(vendors.map(([type, v]) => [type, v.accepted.length])).toEqual(vendors.map(([type]) => [type, 1]));
    expect(run.code).toBe(0);
    expect(states(run)).toEqual(vendors.map(([type]) => [type, 'sent']));
    // An entry a vendor cannot mention is left out with a warning; the message goes out.
    expect(run.stdout.split('\n').filter((line) => line.startsWith('::warning::'))).toEqual([
      '::warning::dingtalk "dingtalk": cannot mention x@@y: DingTalk mentions by mobile or user id',
      '::warning::wecom "wecom": cannot mention x@@y: WeCom mentions by user id or mobile',
      '::warning::slack "slack": cannot mention x@@y: Slack mentions by member id (U…)',
      '::warning::discord "discord": cannot mention x@@y: Discord mentions by user id',
      '::warning::discord "discord": cannot mention "not a snowflake!": a Discord user id is 17 to 20 digits; left out',
      '::warning::discord "discord": cannot mention "<at id=all></at>": a Discord user id is 17 to 20 digits; left out',
      '::warning::discord "discord": cannot mention "+": a Discord user id is 17 to 20 digits; left out',
      '::warning::discord "discord": cannot mention "<!channel>": a Discord user id is 17 to 20 digits; left out',
    ]);
    expect((vendors[5]![1].accepted[0]!.allowed_mentions as { users: string[] }).users).toEqual([]);
  });
});

describe('item 16: a name lookup that never answers', () => {
  const deadDns = fileURLToPath(new URL('../fixtures/dead-dns.mjs', import.meta.url));

  // The fixture keeps the process alive for 20 s: a run that does not end itself after its
  // report fails by this test's own time limit.
  it('ends the process once its report is written', { timeout: 15_000 }, async () => {
    const good = await receiver();
    const run = await runDist({
      env: githubEnv({
        INPUT_STATUS: 'failure',
        'INPUT_TIMEOUT-SECONDS': '1',
        INPUT_RETRIES: '1',
        INPUT_TARGETS: `- {type: webhook, name: dead, webhook: "http://hook.invalid/h"}\n- {type: webhook, name: good, webhook: "${good.url}/h"}`,
      }),
      event: example('push'),
      execArgv: ['--import', deadDns],
    });
    expect(run.code).toBe(0);
    expect(results(run).map((r) => [r.name, r.state, r.attempts, r.error])).toEqual([
      ['dead', 'failed', 2, 'no answer within 1 s (after 2 attempts)'],
      ['good', 'sent', 1, null],
    ]);
    expect(run.summary).toContain('dead');
  });
});

describe('item 17: GitLab pages', () => {
  it('reads pages concurrently when their count is known: a page that never answers holds up no other', async () => {
    const jobs = Array.from({ length: 250 }, (_, i) => ({
      id: 1000 + i,
      name: `shard ${i}`,
      stage: 'test',
      status: 'success',
    }));
    const gitlab = await track(
      startGitLabApi({
        token: 'glpat-pages-1717',
        jobs,
        jobsPage: (page) => (page === 2 ? { hang: true } : undefined),
      }),
    );
    const hook = await receiver();
    const run = await runDist({
      env: gitlabEnv(gitlab.url, {
        NOTIFY_GITLAB_TOKEN: 'glpat-pages-1717',
        NOTIFY_TIMEOUT_SECONDS: '1',
        NOTIFY_RETRIES: '0',
        NOTIFY_TYPE: 'webhook',
        NOTIFY_WEBHOOK: `${hook.url}/h`,
        NOTIFY_EVENTS: 'always',
      }),
    });
    expect(run.code).toBe(0);
    const pages = gitlab.requests
      .filter((r) => r.url.includes('/jobs?'))
      .map((r) => Number(new URL(r.url, gitlab.url).searchParams.get('page')));
    expect(pages.sort()).toEqual([1, 2, 3]);
    expect(run.stdout.split('\n').filter((line) => line.includes('Cannot read every page'))).toEqual([
      "warning: Cannot read every page of this pipeline's jobs (page 2: no answer within 1 s); continuing with what was read.",
    ]);
    const payload = JSON.parse(hook.requests[0]!.body) as { workflow: { stages: { jobs: unknown[] }[] } };
    expect(payload.workflow.stages[0]!.jobs).toHaveLength(150);
  });
});

describe('item 18: config files that are not small regular files', () => {
  it.each([
    [
      'a device',
      () => '/dev/zero',
      (path: string) => `config: ${path} is not a regular file (a device, FIFO or socket)`,
    ],
    [
      'a FIFO',
      () => {
        const path = join(folder, 'fifo.yml');
        execFileSync('mkfifo', [path]);
        return path;
      },
      (path: string) => `config: ${path} is not a regular file (a device, FIFO or socket)`,
    ],
    [
      'a 2 MB file',
      () => {
        const path = join(folder, 'big.yml');
        writeFileSync(path, `targets: []\n${'#'.repeat(2 * 1024 * 1024)}\n`);
        return path;
      },
      (path: string) => `config: ${path} is larger than 1 MiB (2097165 bytes)`,
    ],
  ])('refuses %s with one clear line', async (_kind, make, problem) => {
    const path = make();
    const run = await onGitHub({ INPUT_CONFIG: path });
    expect(run.code).toBe(1);
    expect(configErrors(run)).toEqual([
      '::error::The configuration has 1 problem; nothing was sent:',
      `::error::  ${problem(path)}`,
    ]);
  });
});

describe('item 20: templates', () => {
  it('refuses a template whose nested #each renders more than 1 MiB', async () => {
    const needs = JSON.stringify(
      Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`job-${i}`, { result: 'success' }])),
    );
    const each = (inner: string) => `{{#each @root.workflow.stages}}${inner}{{/each}}`;
    const hook = await receiver();
    const run = await onGitHub({
      INPUT_NEEDS: needs,
      INPUT_TARGETS: `- {type: slack, webhook: "${hook.url}/services/T/B/X", message: "${each(each(each(each('{{name}} '))))}"}`,
    });
    expect(run.code).toBe(1);
    expect(configErrors(run)).toEqual([
      '::error::The configuration has 1 problem; nothing was sent:',
      '::error::  targets[0].message (slack "slack#0"): the template renders more than 1 MiB',
    ]);
    expect(hook.requests).toEqual([]);
  });

  it('refuses {{log}}: it is not a helper, and nothing is written past redaction', async () => {
    const run = await onGitHub({
      INPUT_TARGETS: `- {type: slack, webhook: "http://127.0.0.1:9/services/T/B/X", message: '{{log "::error::x"}} hi'}`,
    });
    expect(run.stdout + run.stderr).not.toMatch(/^::error::x/m);
    expect(run.code).toBe(1);
    expect(configErrors(run)).toEqual([
      '::error::The configuration has 1 problem; nothing was sent:',
      '::error::  targets[0].message (slack "slack#0"): "log" is not a helper; helpers: each, if, unless, lookup, with, json, truncate, date, duration, upper, lower, eq, join',
    ]);
  });
});

describe('item 21: untrusted text on GitHub', () => {
  it('refuses a target name holding a line break', async () => {
    const run = await onGitHub({
      INPUT_TARGETS: `- {type: webhook, name: "ops\\n::error::forged", webhook: "http://127.0.0.1:9/h"}`,
    });
    expect(run.stdout).not.toMatch(/^::error::forged/m);
    expect(run.code).toBe(1);
    expect(configErrors(run)).toEqual([
      '::error::The configuration has 1 problem; nothing was sent:',
      '::error::  targets[0].name: must be one line',
    ]);
  });

  it.each([
    ['normal', {}],
    ['debug', { RUNNER_DEBUG: '1' }],
  ])('prints no vendor answer as a workflow command (%s mode)', async (_mode, debug) => {
    const hostile = '\n::error::vendor says hi\n##[set-output name=status]passed\n';
    const hook = await receiver([{ status: 400, body: hostile }]);
    const chat = await receiver([{ status: 200, body: JSON.stringify({ errcode: 1, errmsg: hostile }) }]);
    const run = await onGitHub({
      ...debug,
      INPUT_TARGETS: `- {type: webhook, webhook: "${hook.url}/h"}\n- {type: dingtalk, webhook: "${chat.url}/robot/send?access_token=dd-0123456789"}`,
    });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').filter((line) => /^::error::vendor|^##\[/.test(line))).toEqual([]);
    expect(results(run).map((r) => r.state)).toEqual(['failed', 'failed']);
  });

  it("fences an email preview's job names and commit lines in a dry run", async () => {
    const event = example('push');
    // The commit's first line is the remark an email preview prints.
    (event.head_commit as { message: string }).message = '::error::x\n##[set-output name=status]passed';
    const run = await onGitHub(
      {
        'INPUT_DRY-RUN': 'true',
        INPUT_NEEDS: JSON.stringify({ '::warning::job': { result: 'success' } }),
        INPUT_TARGETS:
          '- {type: email, smtp: "smtp://bot:pw-0123456@127.0.0.1:9", from: ci@acme.example, to: ops@acme.example}',
      },
      event,
    );
    expect(run.code).toBe(0);
    let fence: string | undefined;
    const outside: string[] = [];
    for (const line of run.stdout.split('\n')) {
      if (fence === undefined) {
        fence = /^::stop-commands::(.+)$/.exec(line)?.[1];
        if (fence === undefined) outside.push(line);
      } else if (line === `::${fence}::`) fence = undefined;
    }
    expect(fence).toBeUndefined();
    expect(run.stdout).toContain('::error::x');
    expect(run.stdout).toContain('::warning::job');
    expect(outside.filter((line) => /::error::x|::warning::job|##\[/.test(line))).toEqual([]);
    expect(outside).toContain('○ email "email#0" dry run: nothing sent');
  });
});

describe('item 22: proxies from the environment', () => {
  /** A loopback forward proxy for http:// (absolute-URI requests); `/refuse` paths get a 407 quoting the credentials. */
  async function startProxy(): Promise<{ url: string; seen: string[] }> {
    const seen: string[] = [];
    const sockets = new Set<Socket>();
    const server: Server = createServer((req, res) => {
      const credentials = Buffer.from(
        String(req.headers['proxy-authorization'] ?? '').replace(/^Basic /, ''),
        'base64',
      ).toString();
      seen.push(`${req.method} ${req.url} ${credentials || '-'}`);
      const upstream = new URL(req.url ?? '');
      if (upstream.pathname.startsWith('/refuse')) {
        res.writeHead(407, { 'Content-Type': 'text/plain' });
        res.end(`proxy refused ${credentials}`);
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const forward = connect(Number(upstream.port), upstream.hostname, () => {
          const body = Buffer.concat(chunks);
          forward.write(
            `${req.method} ${upstream.pathname} HTTP/1.1\r\nHost: ${upstream.host}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
          );
          forward.write(body);
        });
        sockets.add(forward);
        forward.pipe(res.socket!);
      });
    });
    // An https:// address asks for a tunnel: recorded, then refused.
    server.on('connect', (req, socket: Socket) => {
      seen.push(`CONNECT ${req.url}`);
      socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(
      () =>
        new Promise<void>((r) => {
          for (const socket of sockets) socket.destroy();
          server.closeAllConnections();
          server.close(() => r());
        }),
    );
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
  }

  it('sends through HTTP_PROXY with no other setting, and never prints its credentials', async () => {
    const proxy = await startProxy();
    const hook = await receiver();
    const run = await onGitHub({
      HTTP_PROXY: proxy.url.replace('http://', 'http://proxyuser:Pr0xy-Pa55@'),
      INPUT_TARGETS: `- {type: webhook, name: via, webhook: "${hook.url}/h"}\n- {type: webhook, name: refused, webhook: "${hook.url}/refuse"}`,
    });
    const shown = [run.stdout, run.stderr, ...Object.values(run.outputs), run.summary]
      .join('\n')
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    expect(shown).not.toContain('Pr0xy-Pa55');
    expect(run.code).toBe(0);
    expect(proxy.seen.sort()).toEqual([
      `POST ${hook.url}/h proxyuser:Pr0xy-Pa55`,
      `POST ${hook.url}/refuse proxyuser:Pr0xy-Pa55`,
    ]);
    expect(hook.requests.map((r) => r.url)).toEqual(['/h']);
    expect(results(run).map((r) => [r.name, r.state, r.error])).toEqual([
      ['via', 'sent', null],
      ['refused', 'failed', 'HTTP 407 Proxy Authentication Required: proxy refused ***'],
    ]);
  });

  it.each([['HTTPS_PROXY'], ['https_proxy']])('tunnels https through %s', async (name) => {
    const proxy = await startProxy();
    const run = await onGitHub({
      [name]: proxy.url,
      'INPUT_TIMEOUT-SECONDS': '1',
      INPUT_RETRIES: '0',
      INPUT_TARGETS: '- {type: webhook, webhook: "https://127.0.0.1:9/h"}',
    });
    expect(run.code).toBe(0);
    expect(proxy.seen).toEqual(['CONNECT 127.0.0.1:9']);
    expect(results(run).map((r) => r.state)).toEqual(['failed']);
  });

  it.each([['NO_PROXY'], ['no_proxy']])('sends directly to a host listed in %s', async (name) => {
    const proxy = await startProxy();
    const hook = await receiver();
    const run = await onGitHub({
      http_proxy: proxy.url,
      [name]: 'example.com,127.0.0.1',
      INPUT_TARGETS: `- {type: webhook, webhook: "${hook.url}/h"}`,
    });
    expect(run.code).toBe(0);
    expect(proxy.seen).toEqual([]);
    expect(hook.requests.map((r) => r.url)).toEqual(['/h']);
  });
});

describe('the step summary', () => {
  it('shows a vendor answer as text: no link, no image, no HTML, no table break', async () => {
    const hook = await receiver([
      { status: 400, body: 'bad | [click](http://evil.example) ![x](http://evil.example/p.png) <img src=x>' },
    ]);
    const run = await onGitHub({
      INPUT_STATUS: 'failure',
      INPUT_TARGETS: `- {type: webhook, name: echo, webhook: "${hook.url}/h"}`,
    });
    const row = run.summary.split('\n').find((line) => line.startsWith('| echo |'));
    expect(row).toBe(
      '| echo | webhook | failed | ✗ failed: HTTP 400 Bad Request: bad \\| \\[click\\](http://evil.example) !\\[x\\](http://evil.example/p.png) &lt;img src=x&gt; | ' +
        row!.split(' | ').pop(),
    );
    expect(row).toMatch(/ \| \d+ ms \|$/);
  });
});
