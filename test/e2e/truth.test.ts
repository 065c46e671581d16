// What the user is shown must be true (issue 10) and no status word can crash the run (issue 11),
// through dist/index.js on GitHub, GitLab and a shell: skipped work, the notifier's own GitLab
// jobs, the summary and results, time zones, payload size, mentions, email recipients, templates,
// webhook signing, and a first run's output piped or copied.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startGitHubApi } from '../helpers/github-api.js';
import { githubJob, githubRun, type JobSpec } from '../helpers/github-jobs.js';
import { example } from '../helpers/examples.js';
import { gitlabEnv, startGitLabApi, type GitLabApiOptions } from '../helpers/gitlab-api.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { DIST, githubEnv, runDist, type RunResult } from '../helpers/run-dist.js';
import { startSmtp, type Smtp } from '../helpers/smtp.js';
import {
  startDingTalk,
  startDiscord,
  startFeishu,
  startFeishuApp,
  startSlack,
  startTeams,
  startWeCom,
  type Emulator,
} from '../helpers/vendors.js';

const GH_TOKEN = 'ghs_truthT0kenValue123456';
const GL_TOKEN = 'glpat-truth-T0kenValue77';
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function track<T extends { close(): Promise<void> }>(starting: Promise<T>): Promise<T> {
  const server = await starting;
  servers.push(server);
  return server;
}

async function hook(): Promise<Receiver> {
  const server = await startReceiver();
  servers.push(server);
  return server;
}

async function githubApi(jobs: JobSpec[]): Promise<Receiver> {
  const server = await startGitHubApi({
    run: githubRun(),
    jobs: [
      ...jobs.map((j) => githubJob(j)),
      githubJob({ name: 'notify', status: 'in_progress', runnerName: 'GitHub Actions 1000' }),
    ],
    token: GH_TOKEN,
  });
  servers.push(server);
  return server;
}

async function gitlabApi(options: Omit<GitLabApiOptions, 'token'>): Promise<Receiver> {
  const server = await startGitLabApi({ token: GL_TOKEN, ...options });
  servers.push(server);
  return server;
}

interface Delivered {
  workflow: {
    status: string;
    stages: { name: string; status: string; jobs: { name: string; status: string; spec: unknown }[] }[];
  };
}

function delivered(receiver: Receiver): Delivered {
  expect(receiver.requests).toHaveLength(1);
  return JSON.parse(receiver.requests[0]!.body) as Delivered;
}

const stagesOf = (payload: Delivered) =>
  payload.workflow.stages.map((s) => [s.name, s.status, s.jobs.map((j) => `${j.name}:${j.status}`)]);

async function onGitHub(env: Record<string, string | undefined>, event: unknown = example('push')): Promise<RunResult> {
  return runDist({ env: githubEnv({ INPUT_TYPE: 'webhook', ...env }), event });
}

/** A GitHub run with a `targets` list (no single target). */
function onGitHubTo(targets: string, env: Record<string, string | undefined> = {}, event: unknown = example('push')) {
  return runDist({ env: githubEnv({ INPUT_TARGETS: targets, ...env }), event });
}

describe('skipped work, through dist', () => {
  it('shows a deploy skipped after failed tests as skipped, and the run as failed (GitHub API)', async () => {
    const github = await githubApi([
      { name: 'build', startedAt: '2026-11-20T08:00:10Z' },
      { name: 'test', conclusion: 'failure', failedStep: 'Run npm test', startedAt: '2026-11-20T08:01:00Z' },
      { name: 'deploy', conclusion: 'skipped', startedAt: '2026-11-20T08:03:10Z', completedAt: '2026-11-20T08:03:10Z' },
    ]);
    const receiver = await hook();
    const result = await onGitHub({
      GITHUB_API_URL: github.url,
      'INPUT_GITHUB-TOKEN': GH_TOKEN,
      INPUT_WEBHOOK: receiver.url,
    });
    expect(result.code).toBe(0);
    const payload = delivered(receiver);
    expect(payload.workflow.status).toBe('failed');
    expect(stagesOf(payload)).toEqual([
      ['build', 'passed', ['build:passed']],
      ['test', 'failed', ['test:failed']],
      ['deploy', 'skipped', ['deploy:skipped']],
    ]);
    expect(result.outputs.status).toBe('failed');
  });

  it('reports a passed build with a skipped deploy as passed', async () => {
    const github = await githubApi([{ name: 'build' }, { name: 'deploy', conclusion: 'skipped' }]);
    const receiver = await hook();
    await onGitHub({ GITHUB_API_URL: github.url, 'INPUT_GITHUB-TOKEN': GH_TOKEN, INPUT_WEBHOOK: receiver.url });
    const payload = delivered(receiver);
    expect(payload.workflow.status).toBe('passed');
    expect(stagesOf(payload)).toEqual([
      ['build', 'passed', ['build:passed']],
      ['deploy', 'skipped', ['deploy:skipped']],
    ]);
  });

  it('reads skipped from needs the same way', async () => {
    const receiver = await hook();
    const result = await onGitHub({
      INPUT_WEBHOOK: receiver.url,
      INPUT_NEEDS: JSON.stringify({ test: { result: 'failure' }, deploy: { result: 'skipped' } }),
    });
    expect(result.code).toBe(0);
    const payload = delivered(receiver);
    expect(payload.workflow.status).toBe('failed');
    expect(stagesOf(payload)).toEqual([
      ['test', 'failed', ['test:failed']],
      ['deploy', 'skipped', ['deploy:skipped']],
    ]);
  });

  it('shows skipped GitLab jobs as skipped and leaves them out of the roll-up', async () => {
    const gitlab = await gitlabApi({
      jobs: [
        { id: 1, name: 'compile', stage: 'build', status: 'success' },
        { id: 2, name: 'deploy', stage: 'deploy', status: 'skipped' },
        { id: 3, name: 'workflow-notify:success', stage: '.post', status: 'running' },
      ],
    });
    const receiver = await hook();
    const result = await runDist({
      env: gitlabEnv(gitlab.url, {
        CI_JOB_ID: '3',
        CI_JOB_NAME: 'workflow-notify:success',
        NOTIFY_GITLAB_TOKEN: GL_TOKEN,
        NOTIFY_TYPE: 'webhook',
        NOTIFY_WEBHOOK: receiver.url,
      }),
    });
    expect(result.code).toBe(0);
    const payload = delivered(receiver);
    expect(payload.workflow.status).toBe('passed');
    expect(stagesOf(payload)).toEqual([
      ['build', 'passed', ['compile:passed']],
      ['deploy', 'skipped', ['deploy:skipped']],
    ]);
  });
});

describe('status words that name inherited properties, through dist', () => {
  const WORDS = ['constructor', '__proto__', 'toString'];

  function expectTolerated(result: RunResult): void {
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain('unexpected failure');
    for (const word of WORDS) {
      expect(result.stdout.split(`Unknown status "${word}" from the CI: read as running.`)).toHaveLength(2);
    }
  }

  it('tolerates them in needs: warned once each, kept in the jobs, read as running', async () => {
    const receiver = await hook();
    const needs = `{"build":{"result":"success"},${WORDS.map((w) => `"${w}-job":{"result":"${w}"}`).join(',')}}`;
    const result = await onGitHub({ INPUT_WEBHOOK: receiver.url, INPUT_NEEDS: needs, INPUT_EVENTS: 'always' });
    expectTolerated(result);
    const payload = delivered(receiver);
    expect(payload.workflow.status).toBe('running');
    expect(payload.workflow.stages.map((s) => s.jobs[0]?.status)).toEqual(['passed', ...WORDS]);
  });

  it('tolerates them as job conclusions from the API', async () => {
    const github = await githubApi([{ name: 'build' }, ...WORDS.map((w) => ({ name: `${w}-job`, conclusion: w }))]);
    const receiver = await hook();
    const result = await onGitHub({
      GITHUB_API_URL: github.url,
      'INPUT_GITHUB-TOKEN': GH_TOKEN,
      INPUT_WEBHOOK: receiver.url,
      INPUT_EVENTS: 'always',
    });
    expectTolerated(result);
    const payload = delivered(receiver);
    expect(payload.workflow.status).toBe('running');
    // A stage holding only a job "read as running" has nothing finished yet: created (SPEC §4).
    expect(stagesOf(payload)).toEqual([
      ['build', 'passed', ['build:passed']],
      ...WORDS.map((w) => [`${w}-job`, 'created', [`${w}-job:${w}`]]),
    ]);
  });
});

describe("the notifier is never the pipeline's work on GitLab, through dist", () => {
  it('sends no stages without a token (not its own job) and says what a token adds', async () => {
    const receiver = await hook();
    const result = await runDist({
      env: gitlabEnv('http://127.0.0.1:9', {
        NOTIFY_STATUS: 'failed',
        NOTIFY_TYPE: 'webhook',
        NOTIFY_WEBHOOK: receiver.url,
      }),
    });
    expect(result.code).toBe(0);
    const payload = delivered(receiver);
    expect(payload.workflow.status).toBe('failed');
    expect(payload.workflow.stages).toEqual([]);
    expect(result.stdout).toContain('No GitLab token: stages and jobs are not read. A token with read_api');
    expect(result.stdout).not.toContain('workflow-notify:failure');
  });

  it('reads a page loop once, with a warning, and leaves out the template jobs', async () => {
    const jobs = Array.from({ length: 150 }, (_, i) => ({
      id: 1000 + i,
      name: `shard ${i}`,
      stage: 'test',
      status: 'success',
    }));
    const gitlab = await gitlabApi({
      pagination: 'next-loop',
      jobs: [
        { id: 900, name: 'workflow-notify:started', stage: '.pre', status: 'success' },
        ...jobs,
        { id: 99000, name: 'workflow-notify:success', stage: '.post', status: 'running' },
      ],
    });
    const receiver = await hook();
    const result = await runDist({
      env: gitlabEnv(gitlab.url, {
        CI_JOB_NAME: 'workflow-notify:success',
        NOTIFY_GITLAB_TOKEN: GL_TOKEN,
        NOTIFY_TYPE: 'webhook',
        NOTIFY_WEBHOOK: receiver.url,
      }),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "warning: Cannot read every page of this pipeline's jobs (GitLab named page 1 as the next page again; reading stopped there); continuing with what was read.",
    );
    const payload = delivered(receiver);
    expect(payload.workflow.stages.map((s) => s.name)).toEqual(['test']);
    expect(payload.workflow.stages[0]!.jobs.map((j) => j.name)).toEqual(jobs.map((j) => j.name));
    expect(payload.workflow.status).toBe('passed');
  });
});

describe('payload size, through dist', () => {
  it('carries the repository entry on the first job only and cuts a long commit message', async () => {
    const github = await githubApi([{ name: 'build' }, { name: 'test (a)' }, { name: 'test (b)' }]);
    const receiver = await hook();
    const event = example('push');
    const message = `Fix checkout\n\n${'A long explanation of the change. '.repeat(400)}`;
    (event.head_commit as { message: string }).message = message;
    await onGitHub({ GITHUB_API_URL: github.url, 'INPUT_GITHUB-TOKEN': GH_TOKEN, INPUT_WEBHOOK: receiver.url }, event);
    const payload = delivered(receiver);
    const specs = payload.workflow.stages.flatMap((s) => s.jobs.map((j) => j.spec));
    expect(specs.slice(1)).toEqual([null, null]);
    const [repository] = (specs[0] as { repositories: { commit_message: string }[] }).repositories;
    expect(Array.from(repository!.commit_message).length).toBeLessThanOrEqual(4096);
    expect(repository!.commit_message.endsWith('\n…(truncated)')).toBe(true);
    expect(message.startsWith(repository!.commit_message.slice(0, -'\n…(truncated)'.length))).toBe(true);
  });
});

// Every target type at once, each behind its vendor's emulator --------------------------------

interface AllTypes {
  dingtalk: Emulator;
  feishu: Emulator;
  app: Emulator;
  wecom: Emulator;
  teams: Emulator;
  slack: Emulator;
  discord: Emulator;
  hook: Receiver;
  smtp: Smtp;
}

async function startAllTypes(): Promise<AllTypes> {
  return {
    dingtalk: await track(startDingTalk({ token: 'ddT0ken1234', keywords: ['Workflow', '工作流'] })),
    feishu: await track(startFeishu({ hook: 'fsH00k-1234', keywords: ['Workflow', '工作流'] })),
    app: await track(
      startFeishuApp({ appId: 'cli_truth1', appSecret: 'appS3cretT', receivers: { chat_id: ['oc_ops'] } }),
    ),
    wecom: await track(startWeCom({ key: 'wcK3y-1234' })),
    teams: await track(startTeams({ sig: 'teamsS1g1234' })),
    slack: await track(startSlack({ path: '/services/T0AAAAAAA/B0BBBBBBB/slackS3cret99' })),
    discord: await track(startDiscord({ id: '1234567890123456789', token: 'discordT0k3n' })),
    hook: await track(startReceiver()),
    smtp: await track(startSmtp()),
  };
}

/** One target of each type; `extra` adds fields to every chat target (e.g. `at`). */
function allTypesYaml(n: AllTypes, extra: Partial<Record<string, string>> = {}): string {
  const more = (name: string) => (extra[name] ? `, ${extra[name]}` : '');
  return [
    `- {name: dd, type: dingtalk, webhook: "${n.dingtalk.webhook}"${more('dd')}}`,
    `- {name: fs, type: feishu, webhook: "${n.feishu.webhook}"${more('fs')}}`,
    `- {name: app, type: feishu-app, domain: "${n.app.url}", app-id: cli_truth1, app-secret: appS3cretT, receivers: oc_ops${more('app')}}`,
    `- {name: wc, type: wecom, webhook: "${n.wecom.webhook}"${more('wc')}}`,
    `- {name: tm, type: teams, webhook: "${n.teams.webhook}"${more('tm')}}`,
    `- {name: sl, type: slack, webhook: "${n.slack.webhook}"${more('sl')}}`,
    `- {name: dc, type: discord, webhook: "${n.discord.webhook}"${more('dc')}}`,
    `- {name: wh, type: webhook, webhook: "${n.hook.url}/zadig", msg-key: msg}`,
    `- {name: em, type: email, smtp: "${n.smtp.url()}", from: ci@acme.example, to: ops@acme.example}`,
  ].join('\n');
}

/** Every string below `value`. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** The lines of a body that give a status for `name` (`- ⏭️ **deploy**: skipped`). */
function statusLinesOf(body: unknown, name: string): string[] {
  return strings(body)
    .flatMap((text) => text.split('\n'))
    .filter((line) => line.includes(name) && line.includes(':'));
}

/** What each type showed for `name`: the lines of its one delivered message. */
function linesByType(n: AllTypes, name: string): Record<string, string[]> {
  const one = (e: Emulator) => {
    expect(e.accepted).toHaveLength(1);
    return e.accepted[0];
  };
  expect(n.hook.requests).toHaveLength(1);
  expect(n.smtp.mails).toHaveLength(1);
  const mail = n.smtp.mails[0]!.mail;
  return {
    dingtalk: statusLinesOf(one(n.dingtalk), name),
    feishu: statusLinesOf(one(n.feishu), name),
    'feishu-app': statusLinesOf((one(n.app) as { card: unknown }).card, name),
    wecom: statusLinesOf(one(n.wecom), name),
    teams: statusLinesOf(one(n.teams), name),
    slack: statusLinesOf(one(n.slack), name),
    discord: statusLinesOf(one(n.discord), name),
    webhook: statusLinesOf((JSON.parse(n.hook.requests[0]!.body) as { msg: string }).msg, name),
    'email text': statusLinesOf(mail.text, name),
    'email html': (String(mail.html).match(new RegExp(`<li>[^<]*<b>${name}</b>[^<]*</li>`, 'g')) ?? []).slice(),
  };
}

function expectedSkipLines(name: string, word: string): Record<string, string[]> {
  const markdown = [`- ⏭️ **${name}**: ${word}`];
  return {
    dingtalk: markdown,
    feishu: markdown,
    'feishu-app': markdown,
    wecom: [`> ⏭️ **${name}**: ${word}`],
    teams: markdown,
    slack: [`⏭️ *${name}*: ${word}`],
    discord: markdown,
    webhook: [`⏭️ ${name}: ${word}`],
    'email text': [`⏭️ ${name}: ${word}`],
    'email html': [`<li>⏭️ <b>${name}</b>: ${word}</li>`],
  };
}

/** Every HTTP request any vendor received. */
function vendorRequests(n: AllTypes) {
  return [n.dingtalk, n.feishu, n.app, n.wecom, n.teams, n.slack, n.discord, n.hook].flatMap((e) => e.requests);
}

describe('a skipped deploy after failed tests, in every target type, through dist', () => {
  const LANGUAGES = [
    ['en', 'skipped', '❌ Workflow CI #47 failed'],
    ['zh-CN', '已跳过', '❌ 工作流 CI #47 执行失败'],
  ] as const;

  async function expectSkippedEverywhere(n: AllTypes, result: RunResult, word: string, context: string): Promise<void> {
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${context.replace(/[()]/g, '\\$&')}$`, 'm'));
    for (const name of ['dd', 'fs', 'app', 'wc', 'tm', 'sl', 'dc', 'wh', 'em'])
      expect(result.stdout).toMatch(new RegExp(`^✓ \\S+ "${name}" delivered in \\d+ ms$`, 'm'));
    expect(linesByType(n, 'deploy')).toEqual(expectedSkipLines('deploy', word));
    const payload = JSON.parse(n.hook.requests[0]!.body) as Delivered;
    expect(payload.workflow.status).toBe('failed');
    expect(payload.workflow.stages.find((s) => s.name === 'deploy')).toMatchObject({
      status: 'skipped',
      jobs: [{ name: 'deploy', status: 'skipped' }],
    });
    // Every request to every vendor says what sent it (the app's token request included).
    const requests = vendorRequests(n);
    expect(requests).toHaveLength(9);
    expect(requests.map((r) => r.headers['user-agent'])).toEqual(requests.map(() => `workflow-notify/${VERSION}`));
  }

  it.each(LANGUAGES)('from the GitHub API (%s)', async (language, word, title) => {
    const github = await githubApi([
      { name: 'build' },
      { name: 'test', conclusion: 'failure', failedStep: 'Run npm test' },
      { name: 'deploy', conclusion: 'skipped' },
    ]);
    const n = await startAllTypes();
    const result = await onGitHubTo(allTypesYaml(n), {
      GITHUB_API_URL: github.url,
      'INPUT_GITHUB-TOKEN': GH_TOKEN,
      INPUT_LANGUAGE: language,
    });
    await expectSkippedEverywhere(n, result, word, 'GitHub run 8123456789 attempt 1 of acme/shop: 3 jobs from the API');
    expect(result.outputs.status).toBe('failed');
    expect(n.smtp.mails[0]!.mail.subject).toBe(title);
  });

  it.each(LANGUAGES)('from needs (%s)', async (language, word, title) => {
    const n = await startAllTypes();
    const result = await onGitHubTo(allTypesYaml(n), {
      INPUT_LANGUAGE: language,
      INPUT_NEEDS: JSON.stringify({
        build: { result: 'success' },
        test: { result: 'failure' },
        deploy: { result: 'skipped' },
      }),
    });
    await expectSkippedEverywhere(n, result, word, 'GitHub run 8123456789 attempt 1 of acme/shop: 3 jobs from needs');
    expect(n.smtp.mails[0]!.mail.subject).toBe(title);
  });

  it.each(LANGUAGES)('from the GitLab API (%s)', async (language, word) => {
    const gitlab = await gitlabApi({
      jobs: [
        { id: 1, name: 'compile', stage: 'build', status: 'success' },
        { id: 2, name: 'unit', stage: 'test', status: 'failed' },
        { id: 3, name: 'deploy', stage: 'deploy', status: 'skipped' },
        { id: 99000, name: 'workflow-notify:failure', stage: '.post', status: 'running' },
      ],
    });
    const n = await startAllTypes();
    const result = await runDist({
      env: gitlabEnv(gitlab.url, {
        NOTIFY_GITLAB_TOKEN: GL_TOKEN,
        NOTIFY_STATUS: 'failed',
        NOTIFY_LANGUAGE: language,
        NOTIFY_TARGETS: allTypesYaml(n),
      }),
    });
    await expectSkippedEverywhere(
      n,
      result,
      word,
      'GitLab pipeline 905512 (iid 312) of acme/shop: 3 jobs from the API',
    );
    // The notifier's own job is not the pipeline's work, in any message.
    for (const body of [...vendorRequests(n).map((r) => r.body), String(n.smtp.mails[0]!.mail.text)])
      expect(body).not.toContain('workflow-notify:failure');
  });
});

describe('GitLab without a token, through dist', () => {
  it('shows no stage lines but the read_api line and the commit (DingTalk, Slack), and logs what was read', async () => {
    const dingtalk = await track(startDingTalk({ token: 'ddT0ken1234', keywords: ['Workflow'] }));
    const slack = await track(startSlack({ path: '/services/T0AAAAAAA/B0BBBBBBB/slackS3cret99' }));
    const result = await runDist({
      env: gitlabEnv('http://127.0.0.1:9', {
        NOTIFY_STATUS: 'failed',
        NOTIFY_TARGETS: [
          `- {name: dd, type: dingtalk, webhook: "${dingtalk.webhook}"}`,
          `- {name: sl, type: slack, webhook: "${slack.webhook}"}`,
        ].join('\n'),
      }),
    });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toContain(
      'GitLab pipeline 905512 (iid 312) of acme/shop: no token, stages not read',
    );
    const commitUrl = 'https://gitlab.example.com/acme/shop/-/commit/6dcb09b5b57875f334f61aebed695e2e4193db5e';
    const card = (dingtalk.accepted[0] as { actionCard: { text: string } }).actionCard;
    expect(card.text.split('\n\n')).toEqual([
      '### ❌ Workflow acme/shop #312 failed',
      '- **Executor**: ann',
      '- **Project**: Shop',
      '- **Start time**: 2026-11-20 08:00:00 UTC',
      expect.stringMatching(/^- \*\*Duration\*\*: (\d+h )?(\d+m )?\d+s$/),
      '- **Remark**: Fix checkout',
      '- ℹ️ Add a GitLab token with read\\_api (NOTIFY\\_GITLAB\\_TOKEN) to show stages and jobs.',
      `- **Commit**: main [6dcb09b](${commitUrl}) Fix checkout`,
    ]);
    const blocks = (slack.accepted[0] as { attachments: { blocks: { text?: { text: string } }[] }[] }).attachments[0]!
      .blocks;
    expect(blocks.slice(1).map((b) => b.text?.text)).toEqual([
      'ℹ️ Add a GitLab token with read_api (NOTIFY_GITLAB_TOKEN) to show stages and jobs.',
      `*Commit*: main <${commitUrl}|6dcb09b> Fix checkout`,
      undefined,
    ]);
    // The notifier's own job is never shown as the pipeline's work.
    for (const text of [result.stdout, ...dingtalk.requests.map((r) => r.body), ...slack.requests.map((r) => r.body)])
      expect(text).not.toMatch(/workflow-notify:|\.post/);
  });
});

describe('the log names the platform and what the context was read from, in a shell', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  function git(cwd: string, ...args: string[]): Promise<void> {
    return new Promise((done, fail) => {
      const child = spawn('git', args, { cwd, stdio: 'ignore', env: { PATH: process.env.PATH ?? '', HOME: cwd } });
      child.on('error', fail);
      child.on('close', (code) => (code === 0 ? done() : fail(new Error(`git ${args.join(' ')}: ${code}`))));
    });
  }

  it('a git checkout: its commit and branch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wn-truth-git-'));
    dirs.push(dir);
    await git(dir, 'init', '-q', '-b', 'main');
    await git(
      dir,
      '-c',
      'user.name=Ann Lee',
      '-c',
      'user.email=ann@acme.example',
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      'Fix checkout',
    );
    const result = await runDist({
      cwd: dir,
      argv: ['--type', 'webhook', '--webhook', 'https://h.example.com/x', '--status', 'passed', '--dry-run'],
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Local \(no CI detected\): wn-truth-git-\w+ at [0-9a-f]{7} on main: the git checkout$/m,
    );
  });

  it('no git checkout: says so', async () => {
    const result = await runDist({
      argv: ['--type', 'webhook', '--webhook', 'https://h.example.com/x', '--status', 'passed', '--dry-run'],
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Local \(no CI detected\): wn-run-\w+: no git checkout here$/m);
  });
});

describe('the step summary and results say what happened, through dist', () => {
  const row = (name: string, event: string, outcome: string, timed: boolean) =>
    `\\| ${name} \\| webhook \\| ${event} \\| ${outcome} \\| ${timed ? '\\d+ ms' : ''} \\|`;
  const table = (headline: string, rows: string[]) =>
    new RegExp(
      `^### ${headline}\n\n\\| Target \\| Type \\| Event \\| Result \\| Time \\|\n\\| --- \\| --- \\| --- \\| --- \\| --- \\|\n${rows.join('\n')}\n$`,
    );

  it('all sent', async () => {
    const receiver = await hook();
    const result = await onGitHubTo(
      [
        `- {name: a, type: webhook, webhook: "${receiver.url}/a"}`,
        `- {name: b, type: webhook, webhook: "${receiver.url}/b"}`,
      ].join('\n'),
      { INPUT_STATUS: 'success' },
    );
    expect(result.code).toBe(0);
    expect(result.summary).toMatch(
      table('✅ CI #47 passed — 2 sent, 0 failed, 0 skipped', [
        row('a', 'passed', '✓ delivered', true),
        row('b', 'passed', '✓ delivered', true),
      ]),
    );
    expect(result.outputs).toMatchObject({ sent: '2', failed: '0', skipped: '0' });
    expect(JSON.parse(result.outputs.results!).map((r: { state: string }) => r.state)).toEqual(['sent', 'sent']);
  });

  it('one sent, one failed, one skipped: each reason on its row and in results', async () => {
    const receiver = await hook();
    const refused = await track(startReceiver([{ status: 404, body: 'no such hook' }]));
    const result = await onGitHubTo(
      [
        `- {name: ok, type: webhook, webhook: "${receiver.url}/ok"}`,
        `- {name: gone, type: webhook, webhook: "${refused.url}/gone"}`,
        `- {name: quiet, type: webhook, webhook: "${receiver.url}/quiet", events: passed}`,
      ].join('\n'),
      { INPUT_STATUS: 'failure' },
    );
    expect(result.code).toBe(0);
    expect(result.summary).toMatch(
      table('❌ CI #47 failed — 1 sent, 1 failed, 1 skipped', [
        row('ok', 'failed', '✓ delivered', true),
        row('gone', 'failed', '✗ failed: HTTP 404 Not Found: no such hook', true),
        row('quiet', '—', 'skipped: event failed not in events passed', false),
      ]),
    );
    expect(result.outputs).toMatchObject({ sent: '1', failed: '1', skipped: '1' });
    expect(
      JSON.parse(result.outputs.results!).map((r: Record<string, unknown>) => [
        r.name,
        r.state,
        r.ok,
        r.error,
        r.reason,
      ]),
    ).toEqual([
      ['ok', 'sent', true, null, null],
      ['gone', 'failed', false, 'HTTP 404 Not Found: no such hook', null],
      ['quiet', 'skipped', false, null, 'event failed not in events passed'],
    ]);
  });

  it('a dry run: headed as one, nothing counted as sent', async () => {
    const receiver = await hook();
    const result = await onGitHubTo(
      [
        `- {name: a, type: webhook, webhook: "${receiver.url}/a"}`,
        `- {name: b, type: webhook, webhook: "${receiver.url}/b"}`,
        `- {name: c, type: webhook, webhook: "${receiver.url}/c", branches: "release/*"}`,
      ].join('\n'),
      { INPUT_STATUS: 'success', 'INPUT_DRY-RUN': 'true' },
    );
    expect(result.code).toBe(0);
    expect(receiver.requests).toHaveLength(0);
    expect(result.summary).toMatch(
      table('✅ CI #47 passed — dry run — 2 shown, nothing sent, 1 skipped', [
        row('a', 'passed', 'dry run: nothing sent', false),
        row('b', 'passed', 'dry run: nothing sent', false),
        row('c', '—', 'skipped: ref "main" does not match branches release/\\*', false),
      ]),
    );
    expect(result.outputs).toMatchObject({ sent: '0', failed: '0', skipped: '1' });
    expect(JSON.parse(result.outputs.results!).map((r: { state: string }) => r.state)).toEqual([
      'dry-run',
      'dry-run',
      'skipped',
    ]);
  });
});

describe('times in messages follow the timezone input, never the host, through dist', () => {
  const startTimeOf = (slack: Emulator) =>
    (
      slack.accepted[0] as { attachments: { blocks: { fields?: { text: string }[] }[] }[] }
    ).attachments[0]!.blocks[0]!.fields!.map((f) => f.text).find((t) => t.startsWith('*Start time*'));

  it.each([
    [undefined, '2026-11-20 08:00:02 UTC'],
    ['Asia/Shanghai', '2026-11-20 16:00:02 +08:00'],
  ])('GitHub, timezone %s, on a host in Los Angeles', async (zone, shown) => {
    const github = await githubApi([{ name: 'build' }]);
    const slack = await track(startSlack({ path: '/services/T0AAAAAAA/B0BBBBBBB/slackS3cret99' }));
    const receiver = await hook();
    const result = await onGitHubTo(
      [
        `- {name: sl, type: slack, webhook: "${slack.webhook}"}`,
        `- {name: wh, type: webhook, webhook: "${receiver.url}", body: '{"started": "{{date workflow.start_time}}"}'}`,
      ].join('\n'),
      { TZ: 'America/Los_Angeles', GITHUB_API_URL: github.url, 'INPUT_GITHUB-TOKEN': GH_TOKEN, INPUT_TIMEZONE: zone },
    );
    expect(result.code).toBe(0);
    expect(startTimeOf(slack)).toBe(`*Start time*\n${shown}`);
    expect(JSON.parse(receiver.requests[0]!.body)).toEqual({ started: shown });
  });

  it('GitLab, NOTIFY_TIMEZONE=Asia/Shanghai', async () => {
    const dingtalk = await track(startDingTalk({ token: 'ddT0ken1234' }));
    const result = await runDist({
      env: gitlabEnv('http://127.0.0.1:9', {
        TZ: 'America/Los_Angeles',
        NOTIFY_STATUS: 'passed',
        NOTIFY_TIMEZONE: 'Asia/Shanghai',
        NOTIFY_TYPE: 'dingtalk',
        NOTIFY_WEBHOOK: dingtalk.webhook,
      }),
    });
    expect(result.code).toBe(0);
    expect((dingtalk.accepted[0] as { actionCard: { text: string } }).actionCard.text.split('\n\n')).toContain(
      '- **Start time**: 2026-11-20 16:00:00 +08:00',
    );
  });

  it('an unknown zone is a configuration error (shell)', async () => {
    const result = await runDist({
      argv: ['--type', 'webhook', '--webhook', 'https://h.example.com/x', '--timezone', 'Mars/Olympus'],
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      'error: The configuration has 1 problem; nothing was sent:\nerror:   timezone: unknown time zone "Mars/Olympus": expected an IANA name such as UTC or Asia/Shanghai\n',
    );
  });
});

describe('mentions by what each vendor supports, through dist (shell)', () => {
  it('Teams and Feishu by email, DingTalk and WeCom by mobile; 5 or 16 digits are ids; Discord ids must be snowflakes', async () => {
    const n = await startAllTypes();
    const result = await runDist({
      env: {
        NOTIFY_STATUS: 'failed',
        NOTIFY_MEMBERS: 'ann: {name: Ann Lee, email: ann@acme.example, mobile: "13800000000"}',
        NOTIFY_TARGETS: allTypesYaml(n, {
          dd: 'at: "$ann;12345;1234567890123456"',
          wc: 'at: "$ann;12345;1234567890123456"',
          tm: 'at: $ann',
          fs: 'at: $ann',
          app: 'at: $ann',
          dc: 'at: "not-a-snowflake;12345;80351110224678912"',
        }),
      },
    });
    expect(result.code).toBe(0);
    for (const name of ['dd', 'fs', 'app', 'wc', 'tm', 'sl', 'dc', 'wh', 'em'])
      expect(result.stdout).toMatch(new RegExp(`^✓ \\S+ "${name}" delivered in \\d+ ms$`, 'm'));

    const dingtalk = n.dingtalk.accepted[0] as { msgtype: string; markdown: { text: string }; at: unknown };
    expect(dingtalk.msgtype).toBe('markdown');
    expect(dingtalk.at).toEqual({
      atMobiles: ['13800000000'],
      atUserIds: ['12345', '1234567890123456'],
      isAtAll: false,
    });
    expect(dingtalk.markdown.text.split('\n\n').at(-1)).toBe('@13800000000 @12345 @1234567890123456');

    const [markdown, text] = n.wecom.accepted as [{ markdown: { content: string } }, { text: Record<string, unknown> }];
    expect(markdown.markdown.content.split('\n').at(-1)).toBe('<@12345> <@1234567890123456>');
    expect(text.text).toEqual({
      content: expect.stringMatching(/^❌ Workflow wn-run-\w+ #0 failed$/),
      mentioned_list: [],
      mentioned_mobile_list: ['13800000000'],
    });

    const card = (
      n.teams.accepted[0] as { attachments: { content: { body: { text?: string }[]; msteams: unknown } }[] }
    ).attachments[0]!.content;
    expect(card.body.at(-1)!.text).toBe('<at>ann@acme.example</at>');
    expect(card.msteams).toEqual({
      width: 'Full',
      entities: [
        {
          type: 'mention',
          text: '<at>ann@acme.example</at>',
          mentioned: { id: 'ann@acme.example', name: 'ann@acme.example' },
        },
      ],
    });

    const lark = (card: unknown) => (card as { elements: { text?: { content: string } }[] }).elements[0]!.text!.content;
    expect(
      lark((n.feishu.accepted[0] as { card: unknown }).card)
        .split('\n')
        .at(-1),
    ).toBe('<at email=ann@acme.example></at>');
    expect(
      lark((n.app.accepted[0] as { card: unknown }).card)
        .split('\n')
        .at(-1),
    ).toBe('<at email=ann@acme.example></at>');

    expect(n.discord.accepted[0]).toMatchObject({
      content: '<@80351110224678912>',
      allowed_mentions: { parse: [], users: ['80351110224678912'] },
    });
    const warnings = result.stdout.split('\n').filter((l) => l.startsWith('warning: discord'));
    expect(warnings).toEqual([
      'warning: discord "dc": cannot mention "not-a-snowflake": a Discord user id is 17 to 20 digits; left out',
      'warning: discord "dc": cannot mention "12345": a Discord user id is 17 to 20 digits; left out',
    ]);
    // No other target warns: each found the contact it mentions by.
    expect(result.stdout.split('\n').filter((l) => l.startsWith('warning:'))).toEqual(warnings);
    const requests = vendorRequests(n);
    expect(requests).toHaveLength(10);
    expect(requests.map((r) => r.headers['user-agent'])).toEqual(requests.map(() => `workflow-notify/${VERSION}`));
  });
});

describe('email recipients, through dist', () => {
  it('never sends to a GitHub noreply address (a warning), and fails a target left without recipients', async () => {
    const smtp = await track(startSmtp());
    const event = example('push');
    event.commits = [
      { id: 'a1', message: 'one', author: { name: 'Bob', email: 'bob@users.noreply.github.com', username: 'bob' } },
      { id: 'b2', message: 'two', author: { name: 'Cy', email: 'cy@acme.example', username: 'cy' } },
    ];
    const result = await onGitHubTo(
      [
        `- {name: creator, type: email, smtp: "${smtp.url()}", from: ci@acme.example, to: $creator}`,
        `- {name: committers, type: email, smtp: "${smtp.url()}", from: ci@acme.example, to: $committers}`,
      ].join('\n'),
      { INPUT_STATUS: 'failure' },
      event,
    );
    expect(result.code).toBe(0);
    const lines = (name: string) => result.stdout.split('\n').filter((l) => l.includes(`email "${name}"`));
    expect(lines('creator')).toEqual([
      '::warning::email "creator": not sending to $creator: …@users.noreply.github.com is a private GitHub address',
      '::warning::✗ email "creator" failed: no recipient left to send to (see the warnings): set to, or members emails',
    ]);
    expect(lines('committers')).toEqual([
      '::warning::email "committers": not sending to committer bob: …@users.noreply.github.com is a private GitHub address',
      expect.stringMatching(/^✓ email "committers" delivered in \d+ ms$/),
    ]);
    expect(smtp.mails.map((m) => m.to)).toEqual([['cy@acme.example']]);
    expect(result.outputs).toMatchObject({ sent: '1', failed: '1' });
  });
});

describe('templates, through dist', () => {
  it('stops at load on: an unknown variable (named as written), an empty title, a body invalid for any data, {{{x}}}', async () => {
    const receiver = await hook();
    const event = example('push');
    // With this run's data the body would be valid JSON; it is checked on placeholder data.
    (event.head_commit as { message: string }).message = '42';
    const result = await onGitHubTo(
      [
        `- {name: deep, type: slack, webhook: "${receiver.url}/a", title: "{{workflow.nope.deeper}}"}`,
        `- {name: empty, type: slack, webhook: "${receiver.url}/b", title: "{{#if workflow.error}}{{workflow.error}}{{/if}}"}`,
        `- {name: number, type: webhook, webhook: "${receiver.url}/c", body: '{"n": {{workflow.remark}}}'}`,
        `- {name: raw, type: slack, webhook: "${receiver.url}/d", message: "{{{workflow.remark}}}"}`,
      ].join('\n'),
      { INPUT_STATUS: 'success' },
      event,
    );
    expect(result.code).toBe(1);
    expect(receiver.requests).toHaveLength(0);
    const errors = result.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    expect(errors).toEqual([
      '::error::The configuration has 4 problems; nothing was sent:',
      expect.stringMatching(
        /^::error:: {2}targets\[0\]\.title \(slack "deep"\): unknown variable "workflow\.nope\.deeper"; known: workflow\.task_id, /,
      ),
      '::error::  targets[1].title (slack "empty"): renders empty; the title needs some text',
      '::error::  targets[2].body (webhook "number"): the rendered body is not valid JSON at line 1, column 8 (position 7)',
      '::error::  targets[3].message (slack "raw"): {{{x}}} and {{& x}} print a value unescaped; use {{x}} (or {{json x}})',
    ]);
  });

  it('a commit message with quotes and braces cannot break a body; {{json x}} in a title or message is escaped for the dialect', async () => {
    const receiver = await hook();
    const slack = await track(startSlack({ path: '/services/T0AAAAAAA/B0BBBBBBB/slackS3cret99' }));
    const event = example('push');
    const remark = 'Fix "it" {braces} }} <!channel> \\ done';
    (event.head_commit as { message: string }).message = remark;
    const result = await onGitHubTo(
      [
        `- {name: wh, type: webhook, webhook: "${receiver.url}", body: '{"text": "{{workflow.remark}}", "remark": {{json workflow.remark}}}'}`,
        `- {name: sl, type: slack, webhook: "${slack.webhook}", title: "{{json workflow.remark}}", message: "{{json workflow.remark}}"}`,
      ].join('\n'),
      { INPUT_STATUS: 'success' },
      event,
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(receiver.requests[0]!.body)).toEqual({ text: remark, remark });
    const body = slack.accepted[0] as {
      text: string;
      blocks: { text: { text: string } }[];
      attachments: { blocks: { text?: { text: string } }[] }[];
    };
    const json = JSON.stringify(remark);
    const escaped = json.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    // The header is plain text; mrkdwn fields are escaped, so <!channel> cannot ping.
    expect(body.blocks[0]!.text.text).toBe(json);
    expect(body.text).toBe(escaped);
    expect(body.attachments[0]!.blocks[0]!.text!.text).toBe(escaped);
  });
});

describe('webhook signing, through dist (shell)', () => {
  it('signing-secret keys X-Zadig-Signature-256 and never travels; secret alone travels and keys it', async () => {
    const receiver = await hook();
    const result = await runDist({
      env: {
        NOTIFY_STATUS: 'passed',
        NOTIFY_TARGETS: [
          `- {name: both, type: webhook, webhook: "${receiver.url}/both", secret: t0kenTravels, signing-secret: s1gningKeyStays}`,
          `- {name: signing, type: webhook, webhook: "${receiver.url}/signing", signing-secret: s1gningKeyStays}`,
          `- {name: secret, type: webhook, webhook: "${receiver.url}/secret", secret: t0kenTravels}`,
        ].join('\n'),
      },
    });
    expect(result.code).toBe(0);
    const by = (path: string) => receiver.requests.find((r) => r.url === path)!;
    const sign = (key: string, body: string) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
    const both = by('/both');
    expect(both.headers['x-zadig-token']).toBe('t0kenTravels');
    expect(both.headers['x-zadig-signature-256']).toBe(sign('s1gningKeyStays', both.body));
    const signing = by('/signing');
    expect(signing.headers).not.toHaveProperty('x-zadig-token');
    expect(signing.headers['x-zadig-signature-256']).toBe(sign('s1gningKeyStays', signing.body));
    const secret = by('/secret');
    expect(secret.headers['x-zadig-token']).toBe('t0kenTravels');
    expect(secret.headers['x-zadig-signature-256']).toBe(sign('t0kenTravels', secret.body));
    for (const request of receiver.requests)
      expect(JSON.stringify([request.url, request.headers, request.body])).not.toContain('s1gningKeyStays');
    expect(result.stdout).not.toContain('s1gningKeyStays');
  });
});

describe('a first run from a shell', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  function sh(command: string, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((done, fail) => {
      const child = spawn('sh', ['-c', command], { cwd, env: { PATH: process.env.PATH ?? '' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('error', fail);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
  }

  const node = JSON.stringify(process.execPath);
  const dist = JSON.stringify(DIST);

  it('ends quietly when its output is piped into head', async () => {
    const head = await sh(`${node} ${dist} --help | head -1`, dirname(DIST));
    expect(head).toEqual({ code: 0, stdout: `workflow-notify ${VERSION}\n`, stderr: '' });
  });

  it('ends quietly, with its exit code, when the reader is gone before it writes', async () => {
    // `true` exits at once, so every write meets a closed pipe (EPIPE).
    for (const flag of ['--help', '--schema']) {
      const gone = await sh(`{ ${node} ${dist} ${flag}; echo "exit $?" >&2; } | true`, dirname(DIST));
      expect(gone).toEqual({ code: 0, stdout: '', stderr: 'exit 0\n' });
    }
  });

  it('says in one line to copy the whole dist/ folder when only index.js was copied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wn-truth-copy-'));
    dirs.push(dir);
    copyFileSync(DIST, join(dir, 'index.js'));
    for (const flag of ['--help', '--version']) {
      const alone = await sh(`${node} index.js ${flag}`, dir);
      expect(alone).toEqual({
        code: 1,
        stdout: '',
        stderr: `workflow-notify: a part of the program is missing beside ${join(dir, 'index.js')}: copy the whole dist/ folder, not index.js alone.\n`,
      });
    }
  });
});
