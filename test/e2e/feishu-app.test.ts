// feishu-app through dist/index.js, on GitHub and on GitLab, against the loopback Feishu API:
// members reached by open_id, email and mobile, one line per receiver, message ids kept for later
// edits, and neither the app secret nor the tenant token ever printed.
import { afterEach, describe, expect, it } from 'vitest';
import { startFeishuApi, type FeishuApi } from '../helpers/feishu-api.js';
import { gitlabEnv } from '../helpers/gitlab-api.js';
import { githubEnv, runDist, type RunResult } from '../helpers/run-dist.js';

const APP = 'cli_e2e0123456789';
const SECRET = 'fsE2eAppS3cret-abcdefghij0123456789';
const TOKEN = 't-g1041qeGEDXTB6NDJOGV4JQX4HPTATZUXPVWQHBX';

const servers: FeishuApi[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function api(): Promise<FeishuApi> {
  const server = await startFeishuApi({
    appId: APP,
    appSecret: SECRET,
    users: [
      { open_id: 'ou_ann', email: 'ann@corp.example' },
      { open_id: 'ou_bob', mobile: '13800000002' },
    ],
    chats: ['oc_ops'],
  });
  servers.push(server);
  return server;
}

const MEMBERS = ['Codertocat: { feishu: ou_ann }', 'ann: { feishu: ou_ann }', "bob: { mobile: '13800000002' }"].join(
  '\n',
);

function target(url: string, receivers: string, secret = SECRET): string {
  return `- {name: app, type: feishu-app, app-id: ${APP}, app-secret: "${secret}", domain: "${url}", receivers: "${receivers}"}`;
}

function visible(result: RunResult): string {
  const stdout = result.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  return [stdout, result.stderr, JSON.stringify(result.outputs), result.summary].join('\n');
}

describe('feishu-app end to end', () => {
  it('on GitHub: a chat, the creator and a member by mobile; the unknown mobile named; ids kept; no secret shown', async () => {
    const feishu = await api();
    const result = await runDist({
      env: githubEnv({
        INPUT_STATUS: 'failure',
        INPUT_MEMBERS: MEMBERS,
        INPUT_TARGETS: target(feishu.url, 'oc_ops;$creator;$bob;mobile:13900000009'),
      }),
    });
    expect(result.code).toBe(0);
    expect(feishu.sent.map((m) => `${m.receive_id_type}:${m.receive_id}`)).toEqual([
      'chat_id:oc_ops',
      'open_id:ou_ann',
      'open_id:ou_bob',
    ]);
    expect(result.stdout).toMatch(
      /^::warning::✗ feishu-app "app" failed: 1 of 4 receivers did not get it: …0009: Feishu found no user by this mobile in the app's range( \(after \d+ attempts\))?$/m,
    );
    expect(result.stdout).toContain(
      "    ✓ oc_ops\n    ✓ $creator (ou_ann)\n    ✓ $bob (…0002)\n    ✗ …0009: Feishu found no user by this mobile in the app's range",
    );
    const refs = JSON.parse(Buffer.from(result.outputs['message-refs']!, 'base64url').toString('utf8'));
    // Message ids by an opaque digest of each receiver: no email, no mobile.
    expect(refs).toEqual({
      app: { messages: ['om_1', 'om_2', 'om_3'].map((id) => ({ to: expect.stringMatching(/^[0-9a-f]{16}$/), id })) },
    });
    expect(result.stdout).toContain(`::add-mask::${TOKEN}`);
    expect(visible(result)).not.toContain(SECRET);
    expect(visible(result)).not.toContain(TOKEN);
    expect(visible(result)).not.toContain('13900000009');
  });

  it('on GitLab: delivers to the creator, with no masking command and no secret printed', async () => {
    const feishu = await api();
    const result = await runDist({
      env: gitlabEnv('http://127.0.0.1:9', {
        NOTIFY_STATUS: 'failed',
        NOTIFY_MEMBERS: MEMBERS,
        NOTIFY_TARGETS: target(feishu.url, '$creator'),
      }),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^✓ feishu-app "app" delivered in \d+ ms$/m);
    expect(result.stdout).toContain('    ✓ $creator (ou_ann)');
    expect(feishu.sent.map((m) => m.receive_id)).toEqual(['ou_ann']);
    expect(result.stdout).not.toContain('::add-mask::');
    expect(visible(result)).not.toContain(SECRET);
    expect(visible(result)).not.toContain(TOKEN);
  });

  it('on GitLab: a wrong secret is one line, not retried, and never printed', async () => {
    const feishu = await api();
    const wrong = 'fsWrongS3cret-zyxwvutsrq9876543210';
    const result = await runDist({
      env: gitlabEnv('http://127.0.0.1:9', {
        NOTIFY_STATUS: 'failed',
        NOTIFY_MEMBERS: MEMBERS,
        NOTIFY_TARGETS: target(feishu.url, '$creator', wrong),
      }),
    });
    expect(result.stdout).toMatch(
      /^warning: ✗ feishu-app "app" failed: Feishu app authentication rejected the message \(10014 app secret invalid\): check app-id and app-secret$/m,
    );
    expect(feishu.tokenRequests()).toBe(1);
    expect(feishu.calls).toEqual([]);
    expect(visible(result)).not.toContain(wrong);
  });
});
