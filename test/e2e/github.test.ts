import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startGitHubApi } from '../helpers/github-api.js';
import { githubJob, githubRun, type JobSpec } from '../helpers/github-jobs.js';
import { example } from '../helpers/examples.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { DIST, githubEnv, runDist, type RunResult } from '../helpers/run-dist.js';

const SECRET = 'zadig-token-5ecret-9f8e';
const GH_TOKEN = 'ghs_e2eT0kenValue123456';

const servers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const server = await startReceiver(...args);
  servers.push(server);
  return server;
}

async function api(jobs: JobSpec[], options: { forbidden?: boolean } = {}): Promise<Receiver> {
  const server = await startGitHubApi({
    run: githubRun(),
    jobs: [
      ...jobs.map((j) => githubJob(j)),
      githubJob({ name: 'notify', status: 'in_progress', runnerName: 'GitHub Actions 1000' }),
    ],
    token: GH_TOKEN,
    ...options,
  });
  servers.push(server);
  return server;
}

/** Every line a user could see: stdout, stderr, outputs and the summary. */
function everything(result: RunResult): string {
  return [result.stdout, result.stderr, JSON.stringify(result.outputs), result.summary].join('\n');
}

function hookUrl(server: Receiver): string {
  return `${server.url}/hooks/zadig/t0kenInPath99887766`;
}

async function notify(env: Record<string, string | undefined>, options: { argv?: string[] } = {}): Promise<RunResult> {
  return runDist({ env: githubEnv(env), event: example('push'), ...options });
}

describe('the action on GitHub, end to end', () => {
  it.each([
    ['created', [{ name: 'build', status: 'queued' as const }]],
    ['passed', [{ name: 'build' }, { name: 'test (ubuntu, 20)' }]],
    ['failed', [{ name: 'build' }, { name: 'test (ubuntu, 20)', conclusion: 'failure', failedStep: 'Run npm test' }]],
    ['timeout', [{ name: 'build' }, { name: 'test (ubuntu, 20)', conclusion: 'timed_out' }]],
    ['cancelled', [{ name: 'build' }, { name: 'test (ubuntu, 20)', conclusion: 'cancelled' }]],
  ])('delivers the Zadig payload for a %s run, signed', async (status, jobs) => {
    const github = await api(jobs);
    const hook = await receiver();
    const result = await notify({
      GITHUB_API_URL: github.url,
      'INPUT_GITHUB-TOKEN': GH_TOKEN,
      INPUT_TYPE: 'webhook',
      INPUT_WEBHOOK: hookUrl(hook),
      INPUT_SECRET: SECRET,
    });
    expect(result.code).toBe(0);
    expect(hook.requests).toHaveLength(1);
    const request = hook.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/hooks/zadig/t0kenInPath99887766');
    // The receiver checks the signature as a Zadig consumer would.
    const expected = `sha256=${createHmac('sha256', SECRET).update(request.body).digest('hex')}`;
    expect(request.headers['x-zadig-signature-256']).toBe(expected);
    expect(request.headers['x-zadig-token']).toBe(SECRET);
    expect(request.headers['x-zadig-event']).toBe('workflow');
    expect(request.headers['x-zadig-instance']).toBe('https://github.com');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toBe('workflow-notify/1.0.0');
    expect(request.headers['x-zadig-event-uuid']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const payload = JSON.parse(request.body);
    expect(payload.object_kind).toBe('workflow');
    expect(payload.workflow.status).toBe(status);
    expect(payload.workflow.task_id).toBe(47);
    expect(payload.workflow.project_display_name).toBe('acme/shop');
    expect(payload.workflow.detail_url).toBe('https://github.com/acme/shop/actions/runs/8123456789');
    expect(payload.workflow.task_creator).toBe('Codertocat');
    expect(payload.workflow.stages.map((s: { name: string }) => s.name)).toEqual(
      jobs.length === 1 ? ['build'] : ['build', 'test'],
    );
    expect(result.outputs.status).toBe(status);
    expect(result.outputs.events).toBe(status);
    expect(result.stdout).toMatch(new RegExp(`^✓ webhook "webhook#0" delivered in \\d+ ms$`, 'm'));
  });

  it('names the failed job and step in the error', async () => {
    const github = await api([{ name: 'test (ubuntu, 20)', conclusion: 'failure', failedStep: 'Run npm test' }]);
    const hook = await receiver();
    await notify({
      GITHUB_API_URL: github.url,
      'INPUT_GITHUB-TOKEN': GH_TOKEN,
      INPUT_TYPE: 'webhook',
      INPUT_WEBHOOK: hookUrl(hook),
    });
    const payload = JSON.parse(hook.requests[0]!.body);
    expect(payload.workflow.error).toBe('test (ubuntu, 20): step "Run npm test" failed');
    expect(payload.workflow.stages[0].jobs[0].display_name).toBe('test (ubuntu, 20)');
  });

  it('gives the same X-Zadig-Webhook-UUID for the same address on every run', async () => {
    const hook = await receiver();
    const env = { INPUT_TYPE: 'webhook', INPUT_WEBHOOK: hookUrl(hook), INPUT_STATUS: 'success' };
    await notify(env);
    await notify(env);
    const [a, b] = hook.requests.map((r) => r.headers['x-zadig-webhook-uuid']);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).toBe(b);
    expect(hook.requests[0]!.headers['x-zadig-event-uuid']).not.toBe(hook.requests[1]!.headers['x-zadig-event-uuid']);
  });

  it('sends only for the chosen events and reports the others skipped', async () => {
    const hook = await receiver();
    const result = await notify({
      INPUT_STATUS: 'success',
      INPUT_TARGETS: [
        '- {type: webhook, name: failures, events: failed, webhook: "' + hookUrl(hook) + '/f"}',
        '- {type: webhook, name: everything, events: always, webhook: "' + hookUrl(hook) + '/a"}',
        '- {type: webhook, name: main-only, branches: "release/*", webhook: "' + hookUrl(hook) + '/m"}',
      ].join('\n'),
    });
    expect(result.code).toBe(0);
    expect(hook.requests.map((r) => r.url)).toEqual(['/hooks/zadig/t0kenInPath99887766/a']);
    expect(result.stdout).toContain('- webhook "failures" skipped: event passed not in events failed');
    expect(result.stdout).toContain('- webhook "main-only" skipped: ref "main" does not match branches release/*');
    expect(result.outputs).toMatchObject({ sent: '1', failed: '0', skipped: '2', events: 'passed' });
    expect(JSON.parse(result.outputs.results!)).toEqual([
      {
        name: 'failures',
        type: 'webhook',
        state: 'skipped',
        ok: false,
        skipped: true,
        error: null,
        reason: 'event passed not in events failed',
        attempts: 0,
        ms: 0,
      },
      {
        name: 'everything',
        type: 'webhook',
        state: 'sent',
        ok: true,
        skipped: false,
        error: null,
        reason: null,
        attempts: 1,
        ms: expect.any(Number),
      },
      {
        name: 'main-only',
        type: 'webhook',
        state: 'skipped',
        ok: false,
        skipped: true,
        error: null,
        reason: 'ref "main" does not match branches release/*',
        attempts: 0,
        ms: 0,
      },
    ]);
  });

  it('takes the status and stages from needs when the API is forbidden, with a warning naming the permission', async () => {
    const github = await api([{ name: 'build' }], { forbidden: true });
    const hook = await receiver();
    const result = await notify({
      GITHUB_API_URL: github.url,
      'INPUT_GITHUB-TOKEN': GH_TOKEN,
      INPUT_TYPE: 'webhook',
      INPUT_WEBHOOK: hookUrl(hook),
      INPUT_NEEDS: JSON.stringify({
        build: { result: 'success', outputs: {} },
        test: { result: 'failure', outputs: {} },
      }),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^::warning::Cannot read this run's jobs \(HTTP 403 Forbidden: .*add "permissions: actions: read" to the workflow or job/m,
    );
    const payload = JSON.parse(hook.requests[0]!.body);
    expect(payload.workflow.status).toBe('failed');
    expect(payload.workflow.stages.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
      'build:passed',
      'test:failed',
    ]);
  });

  it('writes every output and a summary table', async () => {
    const hook = await receiver();
    const result = await notify({ INPUT_TYPE: 'webhook', INPUT_WEBHOOK: hookUrl(hook), INPUT_STATUS: 'failure' });
    expect(Object.keys(result.outputs).sort()).toEqual([
      'events',
      'failed',
      'message-refs',
      'payload',
      'results',
      'sent',
      'skipped',
      'status',
    ]);
    expect(JSON.parse(result.outputs.payload!)).toEqual(JSON.parse(hook.requests[0]!.body));
    expect(result.summary).toMatch(
      /^### ❌ CI #47 failed — 1 sent, 0 failed, 0 skipped\n\n\| Target \| Type \| Event \| Result \| Time \|\n\| --- \| --- \| --- \| --- \| --- \|\n\| webhook#0 \| webhook \| failed \| ✓ delivered \| \d+ ms \|\n$/,
    );
  });

  it('retries a 503 and delivers once', async () => {
    const hook = await receiver([{ status: 503, body: 'busy' }, { status: 200 }]);
    const result = await notify({ INPUT_TYPE: 'webhook', INPUT_WEBHOOK: hookUrl(hook), INPUT_STATUS: 'success' });
    expect(result.code).toBe(0);
    expect(hook.requests).toHaveLength(2);
    expect(hook.requests[0]!.headers['x-zadig-event-uuid']).toBe(hook.requests[1]!.headers['x-zadig-event-uuid']);
    expect(hook.requests[0]!.body).toBe(hook.requests[1]!.body);
    expect(JSON.parse(result.outputs.results!)[0]).toMatchObject({ ok: true, attempts: 2 });
  });

  it('does not retry a 4xx and says what the receiver answered', async () => {
    const hook = await receiver([{ status: 404, body: 'no such hook' }]);
    const result = await notify({ INPUT_TYPE: 'webhook', INPUT_WEBHOOK: hookUrl(hook), INPUT_STATUS: 'success' });
    expect(result.code).toBe(0);
    expect(hook.requests).toHaveLength(1);
    expect(result.stdout).toContain('::warning::✗ webhook "webhook#0" failed: HTTP 404 Not Found: no such hook');
  });

  it('times out a receiver that never answers: a warning and exit 0, or exit 1 with fail-on-error', async () => {
    const hook = await receiver([{ hang: true }]);
    const env = {
      INPUT_TYPE: 'webhook',
      INPUT_WEBHOOK: hookUrl(hook),
      INPUT_STATUS: 'success',
      'INPUT_TIMEOUT-SECONDS': '0.5',
      INPUT_RETRIES: '1',
    };
    const warned = await notify(env);
    expect(warned.code).toBe(0);
    expect(warned.stdout).toContain(
      '::warning::✗ webhook "webhook#0" failed: no answer within 0.5 s (after 2 attempts)',
    );
    expect(warned.outputs).toMatchObject({ sent: '0', failed: '1' });
    const failed = await notify({ ...env, 'INPUT_FAIL-ON-ERROR': 'true' });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('::error::✗ webhook "webhook#0" failed: no answer within 0.5 s (after 2 attempts)');
    expect(hook.requests).toHaveLength(4);
  });

  it('prints every request redacted in a dry run and sends nothing', async () => {
    const hook = await receiver();
    const result = await notify({
      INPUT_TYPE: 'webhook',
      INPUT_WEBHOOK: hookUrl(hook),
      INPUT_SECRET: SECRET,
      INPUT_STATUS: 'success',
      'INPUT_DRY-RUN': 'true',
    });
    expect(result.code).toBe(0);
    expect(hook.requests).toHaveLength(0);
    expect(result.stdout).toContain('○ webhook "webhook#0" dry run: nothing sent');
    expect(result.stdout).toContain(`  POST ${hook.url}/hooks/zadig/***`);
    expect(result.stdout).toContain('  X-Zadig-Token: ***');
    expect(result.stdout).toMatch(/^ {2}body \(\d+ bytes\): \{"object_kind":"workflow"/m);
  });

  it('shows the first 64 KB of a larger body in a dry run, with the size of the rest', async () => {
    // A payload of 1,500 jobs (commit messages are cut at 4,096 characters, jobs are not).
    const needs = Object.fromEntries(
      Array.from({ length: 1500 }, (_, i) => [`deploy-region-${String(i).padStart(4, '0')}`, { result: 'success' }]),
    );
    const result = await runDist({
      env: githubEnv({
        INPUT_TYPE: 'webhook',
        INPUT_WEBHOOK: 'https://h.example.com/x',
        INPUT_STATUS: 'success',
        INPUT_NEEDS: JSON.stringify(needs),
        'INPUT_DRY-RUN': 'true',
      }),
      event: example('push'),
    });
    const line = result.stdout.split('\n').find((l) => l.startsWith('  body ('))!;
    const bytes = Number(/^ {2}body \((\d+) bytes\)/.exec(line)![1]);
    expect(bytes).toBeGreaterThan(70_000);
    expect(line.endsWith(`… (${bytes - 65_536} more bytes)`)).toBe(true);
  });

  it.each([
    [
      { INPUT_TYPE: 'webhok', INPUT_WEBHOOK: 'https://h.example.com/x' },
      'type: expected one of feishu, feishu-app, dingtalk, dingtalk-app, wecom, wecom-app, teams, slack, slack-app, discord, telegram, google-chat, mattermost, email, webhook; did you mean "webhook"?',
    ],
    [{ INPUT_TYPE: 'webhook' }, 'webhook: required for webhook targets'],
    [{ INPUT_WEBHOOK: 'https://h.example.com/x' }, 'type: required when webhook is set'],
    [{ INPUT_TYPE: 'webhook', INPUT_WEBHOOK: 'h.example.com/x' }, 'webhook: expected an http:// or https:// address'],
    [
      { INPUT_TYPE: 'webhook', INPUT_WEBHOOK: 'https://h.example.com/x', INPUT_EVENTS: 'passed;finished' },
      'events[1]: unknown event "finished": expected one of created, passed, failed, timeout, cancelled, wait_for_approval, changed, always',
    ],
    [
      { INPUT_TYPE: 'webhook', INPUT_WEBHOOK: 'https://h.example.com/x', INPUT_STATUS: 'green' },
      'status: unknown status "green"',
    ],
    [
      { INPUT_TYPE: 'webhook', INPUT_WEBHOOK: 'https://h.example.com/x', INPUT_NEEDS: '{build' },
      'needs: not valid JSON',
    ],
    [
      { INPUT_TYPE: 'webhook', INPUT_WEBHOOK: 'https://h.example.com/x', INPUT_LANGUAGE: 'de' },
      'language: expected one of en, zh-CN',
    ],
    [
      { INPUT_TYPE: 'webhook', INPUT_WEBHOOK: 'https://h.example.com/x', INPUT_MEMBERS: 'ann: {emial: a@x.com}' },
      'members.ann.emial: unknown key; did you mean "email"?',
    ],
    [
      { INPUT_TYPE: 'webhook', INPUT_WEBHOOK: 'https://h.example.com/x', 'INPUT_TIMEOUT-SECONDS': 'soon' },
      'timeout-seconds: expected a number of seconds',
    ],
    [
      { INPUT_TYPE: 'webhook', INPUT_WEBHOOK: 'https://h.example.com/x', INPUT_RETRIES: '-1' },
      'retries: expected a whole number from 0 to 10',
    ],
    [
      { INPUT_TYPE: 'webhook', INPUT_WEBHOOK: 'https://h.example.com/x', 'INPUT_FAIL-ON-ERROR': 'sure' },
      'fail-on-error: expected true or false',
    ],
    [
      { INPUT_TYPE: 'webhook', INPUT_WEBHOOK: 'https://h.example.com/x', 'INPUT_DRY-RUN': 'y' },
      'dry-run: expected true or false',
    ],
    [
      { INPUT_TYPE: 'webhook', INPUT_WEBHOOK: 'https://h.example.com/x', INPUT_CONFIG: 'missing.yml' },
      'config: missing.yml does not exist',
    ],
    [
      { INPUT_TARGETS: '- type: webhook\n  webhook: ${NOT_SET_ANYWHERE}' },
      'targets[0].webhook: ${NOT_SET_ANYWHERE} is not set in the environment',
    ],
    [
      { INPUT_TARGETS: '- {type: webhook, webhook: "https://h.example.com/x", method: DELETE}' },
      'targets[0].method: expected one of POST, PUT, PATCH',
    ],
    [
      { INPUT_TARGETS: '- {type: webhook, webhook: "https://h.example.com/x", keyword: Workflow}' },
      'targets[0].keyword: not used by webhook targets (only feishu, dingtalk)',
    ],
    [{ INPUT_TARGETS: 'type: webhook' }, 'targets: expected a list of targets'],
    [{}, 'no target: set type and webhook, or a targets list'],
  ])('rejects a bad config %j with exit 1, sending nothing', async (env, message) => {
    const hook = await receiver();
    const result = await notify(env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^::error::The configuration has \d+ problems?; nothing was sent:$/m);
    expect(result.stdout).toContain(`::error::  ${message}`);
    expect(hook.requests).toHaveLength(0);
    expect(result.outputs).toEqual({});
  });

  it('prints no secret anywhere: not the webhook token, the signing secret nor the GitHub token', async () => {
    const github = await api([{ name: 'build', conclusion: 'failure' }]);
    const good = await receiver([{ status: 500, body: `echo ${SECRET} t0kenInPath99887766` }, { status: 200 }]);
    const bad = await receiver([
      { status: 400, body: `bad request for /hooks/zadig/t0kenInPath99887766?key=${SECRET}` },
    ]);
    const runs = [
      await notify({
        GITHUB_API_URL: github.url,
        'INPUT_GITHUB-TOKEN': GH_TOKEN,
        RUNNER_DEBUG: '1',
        INPUT_TARGETS: `- {type: webhook, name: good, webhook: "${hookUrl(good)}", secret: "${SECRET}"}\n- {type: webhook, name: bad, webhook: "${hookUrl(bad)}?key=${SECRET}"}`,
      }),
      await notify({
        INPUT_TYPE: 'webhook',
        INPUT_WEBHOOK: hookUrl(good),
        INPUT_SECRET: SECRET,
        INPUT_STATUS: 'success',
        'INPUT_DRY-RUN': 'true',
      }),
      await notify({
        INPUT_TYPE: 'webhook',
        INPUT_WEBHOOK: `${hookUrl(good)}?x=${SECRET}`,
        INPUT_STATUS: 'nope',
        INPUT_SECRET: SECRET,
      }),
    ];
    expect(runs.map((r) => r.code)).toEqual([0, 0, 1]);
    for (const run of runs) {
      // Everything but the add-mask commands, which hand the runner the values to hide.
      const visible = everything(run)
        .split('\n')
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n');
      for (const secret of [SECRET, 't0kenInPath99887766', GH_TOKEN]) expect(visible).not.toContain(secret);
    }
    expect(runs[0]!.stdout).toContain(`::add-mask::${SECRET}`);
    expect(runs[0]!.stdout).toContain('::add-mask::t0kenInPath99887766');
    expect(runs[0]!.stdout).toContain(`::add-mask::${GH_TOKEN}`);
    expect(runs[0]!.stdout).toContain(
      '::warning::✗ webhook "bad" failed: HTTP 400 Bad Request: bad request for /hooks/zadig/***?key=***',
    );
  });
});

describe('the command line', () => {
  it('starts with a shebang, so that the package bin runs through npx', () => {
    expect(readFileSync(DIST, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('prints its version and help', async () => {
    const version = await runDist({ argv: ['--version'] });
    expect([version.code, version.stdout]).toEqual([0, '1.0.0\n']);
    const help = await runDist({ argv: ['--help'] });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^workflow-notify 1\.0\.0\n/);
    expect(help.stdout).toContain('  --dry-run         Print every request, redacted, and send nothing.');
    expect(help.stdout).toContain('  webhook           Any HTTP endpoint');
  });

  it('takes flags over NOTIFY_* variables outside CI, and rejects an unknown flag with a suggestion', async () => {
    const hook = await receiver();
    const ok = await runDist({
      env: { NOTIFY_TYPE: 'webhook', NOTIFY_WEBHOOK: `${hook.url}/env`, NOTIFY_STATUS: 'failed' },
      argv: ['--webhook', `${hook.url}/flag`, '--status=passed'],
    });
    expect(ok.code).toBe(0);
    expect(hook.requests.map((r) => r.url)).toEqual(['/flag']);
    expect(JSON.parse(hook.requests[0]!.body).workflow.status).toBe('passed');
    const typo = await runDist({
      env: { NOTIFY_TYPE: 'webhook', NOTIFY_WEBHOOK: `${hook.url}/env`, NOTIFY_STAUTS: 'failed' },
      argv: ['--dry-run'],
    });
    expect(typo.code).toBe(0);
    expect(typo.stdout).toContain(
      'warning: NOTIFY_STAUTS is not an input and is ignored; did you mean "NOTIFY_STATUS"?',
    );
    const bad = await runDist({ argv: ['--type', 'webhook', '--webhok', 'https://x.example.com'] });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('error:   --webhok: unknown flag; did you mean "--webhook"?');
  });
});

describe('templates through dist/index.js', () => {
  it('renders title and message for a target, and a JSON body for a webhook, escaping data', async () => {
    const hook = await receiver();
    const chat = await receiver([{ status: 200, body: 'ok' }]);
    const result = await runDist({
      env: githubEnv({
        INPUT_STATUS: 'failure',
        INPUT_TARGETS: [
          '- type: slack',
          `  webhook: "${chat.url}/services/T/B/slackS3cretValue"`,
          '  title: "{{status_icon}} {{workflow.workflow_name}} needs you"',
          '  message: "Please look at *{{workflow.remark}}* ({{upper status_text}})"',
          '- type: webhook',
          `  webhook: "${hook.url}/dce"`,
          '  body: \'{"msgtype": "text", "text": {"content": "{{workflow.workflow_name}} {{status_text}}: {{workflow.remark}}"}, "stages": {{json workflow.stages.length}}}\'',
          '- type: webhook',
          `  webhook: "${hook.url}/cloudpods"`,
          '  msg-key: msg',
        ].join('\n'),
      }),
      event: (() => {
        const e = example('push');
        (e.head_commit as { message: string }).message = 'Fix "it" <!channel> {{workflow.status}}';
        return e;
      })(),
    });
    expect(result.code).toBe(0);
    const slackBody = JSON.parse(chat.requests[0]!.body);
    expect(slackBody.blocks[0].text.text).toBe('❌ CI needs you');
    expect(slackBody.attachments[0].blocks[0].text.text).toBe(
      'Please look at *Fix "it" &lt;!channel&gt; {{workflow.status}}* (FAILED)',
    );
    const [dce, cloudpods] = [...hook.requests].sort((a, b) => a.url.localeCompare(b.url)).reverse();
    expect(JSON.parse(dce!.body)).toEqual({
      msgtype: 'text',
      text: { content: 'CI failed: Fix "it" <!channel> {{workflow.status}}' },
      stages: 1,
    });
    const withMsg = JSON.parse(cloudpods!.body);
    expect(withMsg.object_kind).toBe('workflow');
    expect(withMsg.msg).toMatch(/^❌ Workflow CI #47 failed\n\nExecutor: Codertocat\n/);
  });

  it('stops before sending when a template names an unknown variable or renders invalid JSON', async () => {
    const hook = await receiver();
    const result = await runDist({
      env: githubEnv({
        INPUT_STATUS: 'success',
        INPUT_TARGETS: [
          `- {type: webhook, webhook: "${hook.url}/a", title: "{{workflow.nme}}"}`,
          `- {type: webhook, webhook: "${hook.url}/b", body: '{"a": {{workflow.remark}}}'}`,
        ].join('\n'),
      }),
      event: example('push'),
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('::error::The configuration has 2 problems; nothing was sent:');
    expect(result.stdout).toMatch(
      /::error:: {2}targets\[0\]\.title \(webhook "webhook#0"\): unknown variable "workflow\.nme"; known: workflow\.task_id, /,
    );
    expect(result.stdout).toContain(
      '::error::  targets[1].body (webhook "webhook#1"): the rendered body is not valid JSON at line 1, column 8 (position 7)',
    );
    expect(hook.requests).toHaveLength(0);
  });
});
