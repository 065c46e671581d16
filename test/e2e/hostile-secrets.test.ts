// Issue 11, items 4–9, through dist/index.js: secrets that vendors echo back in any shape, that are
// numbers, words like `true`, short, multi-line or inside a YAML error never reach stdout, stderr,
// the outputs or the step summary, and the outputs stay valid JSON. Every server is on loopback.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { example } from '../helpers/examples.js';
import { startReceiver, type Received, type Receiver, type Reply } from '../helpers/receiver.js';
import { githubEnv, runDist, type RunResult } from '../helpers/run-dist.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const folder = mkdtempSync(join(tmpdir(), 'wn-hostile-secrets-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function receiver(reply: Reply[] | ((request: Received, index: number) => Reply)): Promise<Receiver> {
  const server = await startReceiver(reply);
  closers.push(() => server.close());
  return server;
}

/** Everything a user or a log reader sees, less the `::add-mask::` lines meant for the runner. */
function visible(run: RunResult): string {
  return [run.stdout, run.stderr, ...Object.values(run.outputs), run.summary]
    .join('\n')
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

interface Result {
  name: string;
  state: string;
  ok: boolean;
  error: string | null;
}

function results(run: RunResult): Result[] {
  return JSON.parse(run.outputs.results!) as Result[];
}

/** Every piece of `secret` of `length` characters: none may be printed. */
function pieces(secret: string, length = 8): string[] {
  return Array.from({ length: secret.length - length + 1 }, (_, i) => secret.slice(i, i + length));
}

function onGitHub(env: Record<string, string | undefined>): Promise<RunResult> {
  return runDist({ env: githubEnv({ INPUT_STATUS: 'failure', ...env }), event: example('push') });
}

/**
 * A fake SMTP server that offers AUTH PLAIN and refuses it by quoting the AUTH line back, as some
 * servers do in their 535 answer.
 */
async function echoingSmtp(): Promise<{ port: number; authLines: string[] }> {
  const authLines: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.write('220 mail.test ESMTP\r\n');
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (let end = pending.indexOf('\r\n'); end >= 0; end = pending.indexOf('\r\n')) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 2);
        if (/^(EHLO|HELO) /i.test(line)) socket.write('250-mail.test\r\n250 AUTH PLAIN\r\n');
        else if (/^AUTH /i.test(line)) {
          authLines.push(line);
          socket.write(`535 5.7.8 Authentication failed for "${line}"\r\n`);
        } else if (/^QUIT/i.test(line)) socket.end('221 bye\r\n');
        else socket.write('502 5.5.2 not here\r\n');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(
    () =>
      new Promise<void>((r) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => r());
      }),
  );
  return { port: (server.address() as AddressInfo).port, authLines };
}

describe('item 4: credentials a receiver quotes back', () => {
  it('hides a Bearer token quoted without "Bearer", and Basic credentials quoted decoded or encoded', async () => {
    const bearer = 'brr-7Hq2Lx9Pw4Zt';
    const basic = Buffer.from('hookuser:B4sic-Pa55').toString('base64');
    // Each answer quotes what came in: the bare token, the Basic pair decoded, the raw header.
    const echo = await receiver((request) => {
      const auth = String(request.headers.authorization ?? '');
      const token = auth.replace(/^\S+\s+/, '');
      const decoded = auth.startsWith('Basic ') ? Buffer.from(token, 'base64').toString('utf8') : token;
      return { status: 401, body: `refused credentials ${decoded} (sent as ${token}; header ${auth})` };
    });
    const run = await onGitHub({
      INPUT_TARGETS: [
        `- {type: webhook, name: bearer, webhook: "${echo.url}/a", headers: {Authorization: "Bearer ${bearer}"}}`,
        `- {type: webhook, name: basic, webhook: "${echo.url}/b", headers: {Authorization: "Basic ${basic}"}}`,
      ].join('\n'),
    });
    const shown = visible(run);
    for (const secret of [bearer, basic, 'hookuser:B4sic-Pa55', 'B4sic-Pa55']) expect(shown).not.toContain(secret);
    expect(run.code).toBe(0);
    expect(echo.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${bearer}`, `Basic ${basic}`]);
    expect(results(run).map((r) => [r.name, r.state, r.error])).toEqual([
      // The whole header value is a secret too, so the header shows as *** with its scheme.
      ['bearer', 'failed', 'HTTP 401 Unauthorized: refused credentials *** (sent as ***; header ***)'],
      ['basic', 'failed', 'HTTP 401 Unauthorized: refused credentials *** (sent as ***; header ***)'],
    ]);
    expect(run.summary).toContain('refused credentials ***');
  });

  it("hides a Feishu app's tenant token that the messages API quotes back", async () => {
    const tenantToken = 't-g1044qeTENANTTOKEN7a9b3c';
    const feishu = await receiver((request) => {
      if (request.url === '/open-apis/auth/v3/tenant_access_token/internal') {
        return { body: JSON.stringify({ code: 0, msg: 'ok', tenant_access_token: tenantToken, expire: 7200 }) };
      }
      const sent = String(request.headers.authorization);
      const body = { code: 230001, msg: `invalid request with ${sent}, token ${sent.slice(7)}` };
      return { status: 400, body: JSON.stringify(body) };
    });
    const run = await onGitHub({
      INPUT_TARGETS: `- {type: feishu-app, name: app, domain: "${feishu.url}", app-id: cli_hostile, app-secret: AppSecret-4411, receivers: oc_1}`,
    });
    expect(visible(run)).not.toContain(tenantToken);
    expect(run.code).toBe(0);
    expect(feishu.requests.map((r) => r.headers.authorization ?? null)).toEqual([null, `Bearer ${tenantToken}`]);
    expect(results(run).map((r) => [r.state, r.error])).toEqual([
      [
        'failed',
        'oc_1: Feishu rejected the message (230001 invalid request with ***, token ***): check receivers and receive-id-type',
      ],
    ]);
    expect(run.stdout).toContain(`::add-mask::${tenantToken}`);
  });

  it('hides an SMTP AUTH line that the server quotes back in its refusal', async () => {
    const smtp = await echoingSmtp();
    const password = 'SmtpEcho-Pa55';
    const run = await onGitHub({
      INPUT_TARGETS: `- {type: email, name: mail, smtp: "smtp://bot:${password}@127.0.0.1:${smtp.port}", from: ci@acme.example, to: ops@acme.example}`,
    });
    const plain = Buffer.from(`\0bot\0${password}`).toString('base64');
    const shown = visible(run);
    for (const secret of [plain, password]) expect(shown).not.toContain(secret);
    expect(run.code).toBe(0);
    expect(smtp.authLines).toEqual([`AUTH PLAIN ${plain}`]);
    const [mail] = results(run);
    expect(mail!.state).toBe('failed');
    expect(mail!.error).toBe(
      'SMTP EAUTH 535: 535 5.7.8 Authentication failed for "AUTH PLAIN ***": check the user and password in smtp',
    );
  });
});

describe('item 5: secrets are redacted before error text is cut', () => {
  it('prints no 8 characters of a DingTalk token or a Teams sig that straddle the cut', async () => {
    const dingToken = '3f9c1e5b7d2468ace0f13579bdf2468ace13579bdf02468ace13579bdf024681';
    const teamsSig = 'Zk3pQ8vN2xR7tW1yB5mC9dF4gH6jK0lS3aE8uI2oPq1';
    expect([dingToken.length, teamsSig.length]).toEqual([64, 43]);
    // Each answer quotes the credential across the point where its error text is cut (120 and 200).
    const dingAnswer = `{"message":"no robot for access_token ${'x'.repeat(40)} ${dingToken} ${'y'.repeat(200)}"}`;
    const teamsAnswer = `DirectApiAuthorizationRequired ${'x'.repeat(160)} sig=${teamsSig} ${'y'.repeat(300)}`;
    expect([dingAnswer.indexOf(dingToken), teamsAnswer.indexOf(teamsSig)]).toEqual([79, 196]);
    const dingtalk = await receiver([{ body: dingAnswer }]);
    const teams = await receiver([{ status: 401, body: teamsAnswer }]);
    const run = await onGitHub({
      INPUT_TARGETS: [
        `- {type: dingtalk, name: dd, webhook: "${dingtalk.url}/robot/send?access_token=${dingToken}"}`,
        `- {type: teams, name: tm, webhook: "${teams.url}/workflows/1/triggers/manual/paths/invoke?api-version=2016-06-01&sig=${teamsSig}"}`,
      ].join('\n'),
    });
    const shown = visible(run);
    for (const piece of [...pieces(dingToken), ...pieces(teamsSig)]) expect(shown).not.toContain(piece);
    expect(run.code).toBe(0);
    expect(results(run).map((r) => [r.name, r.state, r.error])).toEqual([
      [
        'dd',
        'failed',
        `DingTalk answered without a result code: ${dingAnswer.replace(dingToken, '***').slice(0, 120)}`,
      ],
      ['tm', 'failed', `HTTP 401 Unauthorized: ${teamsAnswer.replace(teamsSig, '***').slice(0, 200)}…`],
    ]);
  });
});

describe('item 6: unquoted numeric secrets in a config file', () => {
  it('redacts a signing secret and a header value written as YAML numbers', async () => {
    const echo = await receiver((request) => ({
      status: 403,
      body: `token ${String(request.headers['x-zadig-token'])} and key ${String(request.headers['x-api-key'])} refused`,
    }));
    const config = join(folder, 'numbers.yml');
    writeFileSync(
      config,
      [
        'targets:',
        '  - type: webhook',
        '    name: numeric',
        `    webhook: ${echo.url}/hook`,
        '    secret: 20240611',
        '    headers:',
        '      X-Api-Key: 987654321',
      ].join('\n'),
    );
    const run = await onGitHub({ INPUT_CONFIG: config });
    const shown = visible(run);
    expect(shown).not.toContain('20240611');
    expect(shown).not.toContain('987654321');
    expect(run.code).toBe(0);
    expect([echo.requests[0]!.headers['x-zadig-token'], echo.requests[0]!.headers['x-api-key']]).toEqual([
      '20240611',
      '987654321',
    ]);
    expect(results(run)[0]!.error).toBe('HTTP 403 Forbidden: token *** and key *** refused');
    expect(run.stdout).toContain('::add-mask::20240611');
    expect(run.stdout).toContain('::add-mask::987654321');
  });
});

describe('item 7: secrets that are JSON words or short', () => {
  it.each([['true'], ['null'], ['1']])(
    'keeps the results and payload outputs valid JSON with secret %s',
    async (secret) => {
      const echo = await receiver([{ status: 400, body: `bad secret ${secret}: true null 1 [1] {"a":true}` }]);
      const run = await onGitHub({
        INPUT_TARGETS: `- {type: webhook, name: "w", webhook: "${echo.url}/hook", secret: "${secret}"}`,
      });
      expect(() => JSON.parse(run.outputs.payload!)).not.toThrow();
      expect(() => JSON.parse(run.outputs.results!)).not.toThrow();
      expect(run.code).toBe(0);
      expect(echo.requests[0]!.headers['x-zadig-token']).toBe(secret);
      expect(results(run).map((r) => [r.name, r.state])).toEqual([['w', 'failed']]);
      expect(JSON.parse(run.outputs.payload!).workflow.status).toBe('failed');
    },
  );

  it('warns about a secret shorter than 4 characters, never printing it', async () => {
    const hook = await receiver([{}]);
    const run = await onGitHub({
      INPUT_TARGETS: `- {type: webhook, name: short, webhook: "${hook.url}/hook", secret: "k9Z"}`,
    });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').filter((line) => line.startsWith('::warning::'))).toEqual([
      '::warning::1 configured secret is shorter than 4 characters: hidden only where it stands alone in output. Use a longer secret.',
    ]);
    expect(visible(run)).not.toMatch(/(?<![\w.+\-/%@*])k9Z(?![\w.+\-/%@*])/);
    expect(results(run).map((r) => r.state)).toEqual(['sent']);
  });
});

describe('item 8: YAML errors quote no line', () => {
  it('refuses an unknown tag (!vault) without printing the line or the secret', async () => {
    const secret = 'vaulted-S3cret-77';
    const run = await onGitHub({
      INPUT_TARGETS: `- type: webhook\n  webhook: "http://127.0.0.1:9/hook"\n  secret: !vault ${secret}`,
    });
    expect(run.stdout + run.stderr).not.toContain(secret);
    expect(run.stdout + run.stderr).not.toContain('!vault');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        '::error::The configuration has 1 problem; nothing was sent:',
        '::error::  targets: not valid YAML (line 3, column 11: an unknown tag (a value starting with "!"): quote the value)',
        '',
      ].join('\n'),
    );
    expect(run.outputs).toEqual({});
  });

  it('refuses an alias to nothing without quoting the line that holds a secret starting with *', async () => {
    const secret = '*Star-S3cret-88';
    const run = await onGitHub({
      INPUT_TARGETS: `- type: webhook\n  webhook: "http://127.0.0.1:9/hook"\n  secret: ${secret}`,
    });
    expect(run.stdout + run.stderr).not.toContain('Star-S3cret-88');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '::error::  targets: not valid YAML (line 3, column 11: an alias (a value starting with "*") that names no anchor: quote the value)',
    );
  });
});

describe('item 9: a multi-line secret', () => {
  it('hands each of its lines to the runner to mask, and redacts each line alone', async () => {
    const lines = ['SECfirst-L1ne-7788', 'second-L1ne-9900'];
    const echo = await receiver([{ body: JSON.stringify({ errcode: 310000, errmsg: `sign not match: ${lines[1]}` }) }]);
    const run = await onGitHub({
      INPUT_TARGETS: `- {type: dingtalk, name: multi, webhook: "${echo.url}/robot/send?access_token=tok-4455667788", secret: "${lines.join('\\n')}"}`,
    });
    expect(visible(run)).not.toContain('L1ne');
    const masks = run.stdout.split('\n').filter((line) => line.startsWith('::add-mask::'));
    expect(masks).toContain(`::add-mask::${lines[0]}`);
    expect(masks).toContain(`::add-mask::${lines[1]}`);
    expect(run.code).toBe(0);
    expect(results(run)[0]!.error).toBe(
      "DingTalk rejected the message (310000 sign not match: ***): set secret to the robot's signing secret (SEC…)",
    );
  });
});
