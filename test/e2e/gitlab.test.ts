// The GitLab template, run as GitLab would run it (gitlab-ci-local, shell executor), with the
// local bundle, delivering to loopback receivers.
import { createHmac } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { PIPELINE_ID, PROJECT_ID, startGitLabApi } from '../helpers/gitlab-api.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { DIST } from '../helpers/run-dist.js';
import { startDiscord } from '../helpers/vendors.js';

const ROOT = resolve(import.meta.dirname, '../..');
const GCL = join(ROOT, 'node_modules/gitlab-ci-local/dist/index.js');
const SECRET = 'gl-zadig-Secr3t-4455';
const TOKEN = 'glpat-e2e-T0kenValue99';

let servers: { close(): Promise<void> }[] = [];
let folders: string[] = [];

afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  folders = [];
});

/** A git repository whose pipeline includes our template, with `test` passing or failing. */
function repository(testScript: string, variables: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'wn-gitlab-'));
  folders.push(dir);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'ann@example.com');
  git('config', 'user.name', 'Ann Lee');
  git('remote', 'add', 'origin', 'https://gitlab.example.com/acme/shop.git');
  copyFileSync(join(ROOT, '.gitlab-ci-template.yml'), join(dir, '.gitlab-ci-template.yml'));
  writeFileSync(
    join(dir, '.gitlab-ci.yml'),
    stringify({
      include: [{ local: '.gitlab-ci-template.yml' }],
      // The dist/ folder (its index.js loads chunks beside it), as a global YAML variable.
      variables: { WORKFLOW_NOTIFY_BUNDLE: dirname(DIST) },
      stages: ['build', 'test'],
      compile: { stage: 'build', script: ['echo compiling'] },
      unit: { stage: 'test', script: [testScript] },
    }),
  );
  // What a project keeps in Settings → CI/CD → Variables (masked there).
  writeFileSync(join(dir, '.gitlab-ci-local-variables.yml'), stringify(variables));
  writeFileSync(join(dir, '.gitignore'), '.gitlab-ci-local*\n');
  git('add', '.gitlab-ci.yml', '.gitlab-ci-template.yml', '.gitignore');
  git('commit', '-q', '-m', 'Fix checkout for "quoted" carts');
  return dir;
}

function pipeline(dir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [GCL, '--force-shell-executor', '--variable', 'GITLAB_CI=true', '--ignore-predefined-vars', 'GITLAB_CI'],
      {
        cwd: dir,
        // The jobs run `node` from PATH: this Node 24 first.
        env: { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, HOME: dir, NO_COLOR: '1' },
      },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, output }));
  });
}

async function hook(): Promise<Receiver> {
  const server = await startReceiver();
  servers.push(server);
  return server;
}

describe('the GitLab template under gitlab-ci-local', () => {
  it('notifies the start and the success of a pipeline, signed', async () => {
    const receiver = await hook();
    const dir = repository('echo testing', {
      NOTIFY_TYPE: 'webhook',
      NOTIFY_WEBHOOK: `${receiver.url}/zadig/t0kenInPath123456`,
      NOTIFY_SECRET: SECRET,
    });
    const { code, output } = await pipeline(dir);
    expect(code).toBe(0);
    expect(output).toMatch(/PASS\s+workflow-notify:started/);
    expect(output).toMatch(/PASS\s+workflow-notify:success/);
    expect(output).not.toMatch(/workflow-notify:failure\s+starting/);
    const payloads = receiver.requests.map((r) => JSON.parse(r.body));
    expect(payloads.map((p) => p.workflow.status)).toEqual(['created', 'passed']);
    for (const request of receiver.requests) {
      expect(request.headers['x-zadig-signature-256']).toBe(
        `sha256=${createHmac('sha256', SECRET).update(request.body).digest('hex')}`,
      );
      expect(request.headers['x-zadig-instance']).toBe('https://gitlab.example.com');
    }
    const last = payloads[1].workflow;
    // gitlab-ci-local's own values: a fresh state dir counts pipelines from 0, and it gives
    // CI_COMMIT_TITLE a placeholder.
    expect(last).toMatchObject({
      task_id: 0,
      workflow_name: 'acme/shop',
      remark: 'Commit Title',
      project_name: 'shop',
      task_creator: expect.any(String),
    });
    // Without a token the pipeline's jobs cannot be read: no stages, never the notifier's own job.
    expect(last.stages).toEqual([]);
    expect(output).toContain('No GitLab token: stages and jobs are not read. A token with read_api');
  });

  it("edits the started job's message from the success job (message-refs through the dotenv report)", async () => {
    const discord = await startDiscord({ id: '1234567890123456789', token: 'dIsCoRdGitLabT0ken_abcdefghij' });
    servers.push(discord);
    const dir = repository('echo testing', { NOTIFY_TYPE: 'discord', NOTIFY_WEBHOOK: discord.webhook });
    const { code, output } = await pipeline(dir);
    expect(code).toBe(0);
    expect(output).toMatch(/PASS\s+workflow-notify:started/);
    expect(output).toMatch(/PASS\s+workflow-notify:success/);
    // One message: posted by the started job, then patched by the success job.
    expect(discord.requests.map((r) => `${r.method} ${r.url.replace(/\?.*$/, '')}`)).toEqual([
      'POST /api/webhooks/1234567890123456789/dIsCoRdGitLabT0ken_abcdefghij',
      'PATCH /api/webhooks/1234567890123456789/dIsCoRdGitLabT0ken_abcdefghij/messages/1180000000000000000',
    ]);
    const messages = [...discord.messages.values()];
    expect(messages.map((m) => [m.edits, String(m.embeds[0]?.title).replace(/^.* #\d+ /, '')])).toEqual([
      [1, 'succeeded'],
    ]);
    expect(output).not.toContain('dIsCoRdGitLabT0ken_abcdefghij');
  });

  it('notifies a failure from the on_failure job', async () => {
    const receiver = await hook();
    const dir = repository('exit 1', {
      NOTIFY_TYPE: 'webhook',
      NOTIFY_WEBHOOK: `${receiver.url}/zadig`,
      NOTIFY_EVENTS: 'failed',
    });
    const { code, output } = await pipeline(dir);
    expect(code).toBe(1);
    expect(output).toMatch(/PASS\s+workflow-notify:failure/);
    expect(output).toContain('- webhook "webhook#0" skipped: event created not in events failed');
    expect(receiver.requests.map((r) => JSON.parse(r.body).workflow.status)).toEqual(['failed']);
  });

  it("with a read_api token reports the pipeline's stages and jobs from the API, and prints no secret", async () => {
    const receiver = await hook();
    const api = await startGitLabApi({
      token: TOKEN,
      jobs: [
        { id: 501, name: 'workflow-notify:started', stage: '.pre', status: 'success' },
        { id: 502, name: 'compile', stage: 'build', status: 'success' },
        { id: 503, name: 'unit', stage: 'test', status: 'failed', failureReason: 'job_execution_timeout' },
        { id: 504, name: 'workflow-notify:failure', stage: '.post', status: 'running' },
      ],
    });
    servers.push(api);
    const dir = repository('exit 1', {
      NOTIFY_TYPE: 'webhook',
      NOTIFY_WEBHOOK: `${receiver.url}/zadig/t0kenInPath123456`,
      NOTIFY_SECRET: SECRET,
      NOTIFY_GITLAB_TOKEN: TOKEN,
      NOTIFY_EVENTS: 'failed;timeout',
      CI_API_V4_URL: `${api.url}/api/v4`,
      CI_PROJECT_ID: String(PROJECT_ID),
      CI_PIPELINE_ID: String(PIPELINE_ID),
    });
    const { output } = await pipeline(dir);
    const payload = JSON.parse(receiver.requests[0]!.body).workflow;
    // The on_failure job says "failed"; the API shows a timeout, which refines it.
    expect(payload.status).toBe('timeout');
    expect(payload.stages.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
      'build:passed',
      'test:timeout',
    ]);
    expect(payload.error).toBe('unit: job_execution_timeout');
    expect(api.requests.every((r) => r.headers['private-token'] === TOKEN)).toBe(true);
    for (const secret of [SECRET, TOKEN, 't0kenInPath123456']) expect(output).not.toContain(secret);
    expect(output).not.toContain('::add-mask::');
    expect(output).not.toContain('::warning::');
  });
});
