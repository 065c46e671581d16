// wecom-app through dist/index.js, on GitHub and on GitLab, against the loopback WeCom API: who
// got the message is one line each, and neither the app secret nor the access token ever prints.
import { afterEach, describe, expect, it } from 'vitest';
import { gitlabEnv } from '../helpers/gitlab-api.js';
import { githubEnv, runDist, type RunResult } from '../helpers/run-dist.js';
import { startWeComApi, type WeComApi } from '../helpers/wecom-api.js';

const CORP = 'ww7f3c2a1b0d9e8f70';
const SECRET = 'wcE2eS3cret-Zyxwvutsrqponmlkjihgfedcba98';

const servers: WeComApi[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function api(options: { trustedIp?: boolean } = {}): Promise<WeComApi> {
  const server = await startWeComApi({
    corpId: CORP,
    corpSecret: SECRET,
    agentId: 1000002,
    users: [
      { userid: 'AnnLee', email: 'ann@corp.example' },
      { userid: 'bob', mobile: '13800000002' },
    ],
    ...options,
  });
  servers.push(server);
  return server;
}

const MEMBERS = [
  'Codertocat: { email: ann@corp.example }',
  'ann: { email: ann@corp.example }',
  "bob: { mobile: '13800000002' }",
].join('\n');

function target(url: string, receivers: string, secret = SECRET): string {
  return `- {name: people, type: wecom-app, corp-id: ${CORP}, agent-id: "1000002", app-secret: "${secret}", api-url: "${url}", receivers: "${receivers}"}`;
}

/** Everything the run showed, but the masking commands that hand the runner its secrets. */
function visible(result: RunResult): string {
  const stdout = result.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  return [stdout, result.stderr, JSON.stringify(result.outputs), result.summary].join('\n');
}

const TOKEN = `wc-acc3ss-t0ken-1-${'x'.repeat(40)}`;

describe('wecom-app end to end', () => {
  it('on GitHub: messages the creator and a member by mobile, names the unknown receiver, prints no secret', async () => {
    const wecom = await api();
    const result = await runDist({
      env: githubEnv({
        INPUT_STATUS: 'failure',
        INPUT_MEMBERS: MEMBERS,
        INPUT_TARGETS: target(wecom.url, '$creator;$bob;ghost@corp.example'),
      }),
    });
    expect(result.code).toBe(0);
    expect(wecom.sent.map((b) => b.touser)).toEqual(['AnnLee|bob']);
    expect(result.stdout).toMatch(
      /^::warning::✗ wecom-app "people" failed: 1 of 3 receivers did not get it: …@corp\.example: WeCom found no member by this email( \(after \d+ attempts\))?$/m,
    );
    expect(result.stdout).toContain(
      '    ✓ $creator (…@corp.example)\n    ✓ $bob (…0002)\n    ✗ …@corp.example: WeCom found no member by this email',
    );
    const results = JSON.parse(result.outputs.results!) as { receivers: unknown[] }[];
    expect(results[0]!.receivers).toEqual([
      { receiver: '$creator (…@corp.example)', ok: true },
      { receiver: '$bob (…0002)', ok: true },
      { receiver: '…@corp.example', ok: false, error: 'WeCom found no member by this email' },
    ]);
    expect(result.outputs.failed).toBe('1');
    // The secret and the token arrive masked, and are never shown.
    expect(result.stdout).toContain(`::add-mask::${TOKEN}`);
    expect(visible(result)).not.toContain(SECRET);
    expect(visible(result)).not.toContain(TOKEN);
    expect(visible(result)).not.toContain('ghost@');
  });

  it('on GitHub: wrong credentials are one line, not retried, and the secret in the address never prints', async () => {
    const wecom = await api();
    const wrong = 'wcWrongS3cret-0123456789abcdefghijklmn';
    const result = await runDist({
      env: githubEnv({
        INPUT_STATUS: 'failure',
        INPUT_MEMBERS: MEMBERS,
        INPUT_TARGETS: target(wecom.url, '$ann', wrong),
      }),
    });
    expect(result.stdout).toMatch(
      /^::warning::✗ wecom-app "people" failed: WeCom authentication rejected the message \(40001 invalid credential, .*\): check app-secret: it is the app's own Secret, shown in the app's page$/m,
    );
    expect(wecom.tokenRequests()).toBe(1);
    expect(wecom.calls).toEqual([]);
    expect(visible(result)).not.toContain(wrong);
  });

  it('on GitHub: a dry run shows the requests with the secret and token hidden, and looks no one up', async () => {
    const wecom = await api();
    const result = await runDist({
      env: githubEnv({
        INPUT_STATUS: 'failure',
        'INPUT_DRY-RUN': 'true',
        INPUT_MEMBERS: MEMBERS,
        INPUT_TARGETS: target(wecom.url, '$creator;$bob'),
      }),
    });
    expect(result.code).toBe(0);
    expect(wecom.requests).toEqual([]);
    expect(result.stdout).toContain(`  GET ${wecom.url}/cgi-bin/gettoken?corpid=***&corpsecret=***`);
    expect(result.stdout).toContain(`  POST ${wecom.url}/cgi-bin/user/get_userid_by_email?access_token=***`);
    expect(result.stdout).toContain(`  POST ${wecom.url}/cgi-bin/message/send?access_token=***`);
    expect(result.stdout).toContain(
      '  looked up when sending (not in a dry run): $creator (…@corp.example) by email, $bob (…0002) by mobile',
    );
    expect(visible(result)).not.toContain(SECRET);
  });

  it('on GitLab: delivers, explains the trusted-IP rule, and prints no masking command and no secret', async () => {
    const wecom = await api();
    const env = (url: string) =>
      gitlabEnv('http://127.0.0.1:9', {
        NOTIFY_STATUS: 'failed',
        NOTIFY_MEMBERS: MEMBERS,
        NOTIFY_TARGETS: target(url, '$creator'),
      });
    const ok = await runDist({ env: env(wecom.url) });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^✓ wecom-app "people" delivered in \d+ ms$/m);
    expect(ok.stdout).toContain('    ✓ $creator (…@corp.example)');
    expect(wecom.sent.map((b) => b.touser)).toEqual(['AnnLee']);

    const outside = await api({ trustedIp: false });
    const refused = await runDist({ env: env(outside.url) });
    expect(refused.stdout).toContain(
      "the caller's IP is not on the app's trusted IP list (企业可信IP): add the runner's address there; hosted runners' addresses change, so this needs a self-hosted runner with a fixed address",
    );
    for (const run of [ok, refused]) {
      expect(run.stdout).not.toContain('::add-mask::');
      expect(visible(run)).not.toContain(SECRET);
      expect(visible(run)).not.toContain(TOKEN);
    }
  });
});
