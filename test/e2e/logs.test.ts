// Failure log excerpts (SPEC §12) end to end: dist/index.js reads the failed step's log through the
// loopback CI APIs (GitHub's redirect to log storage, GitLab's trace) and every target shows its
// last lines under the error, cleaned, redacted and within the target's limits.
import { afterEach, describe, expect, it } from 'vitest';
import { example } from '../helpers/examples.js';
import { startGitHubApi, type GitHubApi } from '../helpers/github-api.js';
import { githubJob, githubRun } from '../helpers/github-jobs.js';
import { gitlabEnv, gitlabTrace, startGitLabApi, type GitLabJobSpec } from '../helpers/gitlab-api.js';
import { githubLog } from '../helpers/log-api.js';
import { startMattermost } from '../helpers/mattermost-emulator.js';
import { startReceiver, type Receiver, type Reply } from '../helpers/receiver.js';
import { githubEnv, runDist, type RunResult } from '../helpers/run-dist.js';
import { startSmtp } from '../helpers/smtp.js';
import { startTelegram } from '../helpers/telegram-emulator.js';
import { startDingTalk, startDiscord, startSlack, startTeams, startWeCom } from '../helpers/vendors.js';

const ESC = '\x1b';
const GH_TOKEN = 'ghs_e2eT0kenValue123456';
const GL_TOKEN = 'glpat-e2e-T0kenValue99';
/** The webhook target's signing secret, which the failing test also printed. */
const HOOK_SECRET = 'whSecret-7a6b5c4d';
/** A token the program does not know: redacted by its shape. */
const NPM_TOKEN = `ghp_${'R4nd0mT0k3n'.repeat(3)}abc`;
const TELEGRAM_TOKEN = '123456:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQ';
const CHAT = '-1001234567890';
const JOB = 'test (ubuntu, 24)';

let servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
async function track<T extends { close(): Promise<void> }>(s: Promise<T>): Promise<T> {
  const server = await s;
  servers.push(server);
  return server;
}

/**
 * A failed job whose steps have their own times (the failed step "Run npm test" ran 08:01:10 to
 * 08:01:20), finishing `finish` seconds after 08:01:21.
 */
function failedJob(name: string, finish = 0): Record<string, unknown> {
  const end = `2026-11-20T08:01:${21 + finish}Z`;
  const job = githubJob({
    name,
    conclusion: 'failure',
    failedStep: 'Run npm test',
    startedAt: '2026-11-20T08:01:05Z',
    completedAt: end,
  });
  const times: Record<string, [string, string]> = {
    'Set up job': ['05', '07'],
    'Run actions/checkout@v4': ['07', '09'],
    'Run npm test': ['10', '20'],
    'Post Run actions/checkout@v4': ['21', '21'],
  };
  for (const step of job.steps as Record<string, unknown>[]) {
    const [from, to] = times[String(step.name)]!;
    step.started_at = `2026-11-20T08:01:${from}Z`;
    step.completed_at = `2026-11-20T08:01:${to}Z`;
  }
  return job;
}

/** The failed step's lines, between the set-up and checkout before and the clean-up after. */
function jobLog(stepLines: readonly string[]): string {
  return githubLog([
    ['2026-11-20T08:01:05.1234567Z', "Current runner version: '2.321.0'"],
    ['2026-11-20T08:01:05.2000000Z', '##[group]Operating System'],
    ['2026-11-20T08:01:05.2000000Z', 'Ubuntu'],
    ['2026-11-20T08:01:05.2000000Z', '##[endgroup]'],
    ['2026-11-20T08:01:07.5000000Z', '##[group]Run actions/checkout@v4'],
    ['2026-11-20T08:01:08.0000000Z', 'Syncing repository: acme/shop'],
    ['2026-11-20T08:01:09.9000000Z', '##[endgroup]'],
    ['2026-11-20T08:01:10.1000000Z', '##[group]Run npm test'],
    ['2026-11-20T08:01:10.1000000Z', `${ESC}[36;1mnpm test${ESC}[0m`],
    ['2026-11-20T08:01:10.1000000Z', 'shell: /usr/bin/bash -e {0}'],
    ['2026-11-20T08:01:10.1000000Z', '##[endgroup]'],
    ...stepLines.map((line) => ['2026-11-20T08:01:12.0000000Z', line] as const),
    ['2026-11-20T08:01:20.4000000Z', '##[error]Process completed with exit code 1.'],
    ['2026-11-20T08:01:21.3000000Z', 'Post job cleanup.'],
    ['2026-11-20T08:01:21.4000000Z', 'Cleaning up orphan processes'],
  ]);
}

const JOB_LOG = jobLog([
  '> shop@1.0.0 test',
  `${ESC}[31m✗ cart total <"a" & b>${ESC}[39m`,
  `npm config set //registry.npmjs.org/:_authToken=${NPM_TOKEN}`,
  `POST https://hooks.example.com/${HOOK_SECRET} -> 500 @here`,
]);
/** The step's last five lines as every target must show them. */
const LAST_FIVE = [
  '> shop@1.0.0 test',
  '✗ cart total <"a" & b>',
  'npm config set //registry.npmjs.org/:_authToken=***',
  'POST https://hooks.example.com/*** -> 500 @here',
  'Process completed with exit code 1.',
];

async function github(jobs: Record<string, unknown>[], logs: Record<string, string | Reply>): Promise<GitHubApi> {
  return track(
    startGitHubApi({
      run: githubRun(),
      jobs: [...jobs, githubJob({ name: 'notify', status: 'in_progress', runnerName: 'GitHub Actions 1000' })],
      token: GH_TOKEN,
      logs,
    }),
  );
}

function notify(api: GitHubApi, env: Record<string, string | undefined>): Promise<RunResult> {
  return runDist({
    env: githubEnv({ GITHUB_API_URL: api.url, 'INPUT_GITHUB-TOKEN': GH_TOKEN, 'INPUT_LOG-LINES': '5', ...env }),
    event: example('push'),
  });
}

/** Every line a user could see (the runner hides `::add-mask::` commands and masks their values). */
function everything(result: RunResult): string {
  const stdout = result.stdout.replace(/^::add-mask::.*\n/gm, '');
  return [stdout, result.stderr, JSON.stringify(result.outputs), result.summary].join('\n');
}

const logRequests = (api: Receiver) => api.requests.filter((r) => /\/(logs|trace)$/.test(r.url));
/** Fences in a markdown text: an even number leaves no code block open. */
const fences = (text: string) => (text.match(/```/g) ?? []).length;
const section = (text: string, from: string) => text.slice(text.indexOf(from));
const slackTexts = (body: Record<string, unknown>) =>
  (body.attachments as { blocks: { text?: { text: string } }[] }[])[0]!.blocks.map((b) => b.text?.text ?? '');

describe('failure log excerpts on GitHub', () => {
  it("shows the failed step's last 5 lines under the error in every target, cleaned and redacted", async () => {
    const job = failedJob(JOB);
    const api = await github([job], { [JOB]: JOB_LOG });
    const slack = await track(startSlack({ path: '/services/T0AAAAAAA/B0BBBBBBB/slackSecret12345' }));
    const custom = await track(startSlack({ path: '/services/T0AAAAAAA/B0CCCCCCC/slackSecret67890' }));
    const dingtalk = await track(startDingTalk({ token: 'ddtoken123456' }));
    const teams = await track(startTeams({ sig: 'teamsSig12345678' }));
    const discord = await track(startDiscord({ id: '1234567890123456789', token: 'discordTok3n' }));
    const telegram = await track(startTelegram({ token: TELEGRAM_TOKEN, chats: { [CHAT]: Number(CHAT) } }));
    const mattermost = await track(startMattermost({ hook: 'mmhook1234567890abcdefghij' }));
    const smtp = await track(startSmtp());
    const hook = await track(startReceiver());
    const result = await notify(api, {
      INPUT_TARGETS: [
        `- {name: sl, type: slack, webhook: "${slack.webhook}"}`,
        `- {name: dd, type: dingtalk, webhook: "${dingtalk.webhook}"}`,
        `- {name: tm, type: teams, webhook: "${teams.webhook}"}`,
        `- {name: dc, type: discord, webhook: "${discord.webhook}"}`,
        `- {name: tg, type: telegram, token: "${TELEGRAM_TOKEN}", api-url: "${telegram.apiUrl}", receivers: "${CHAT}"}`,
        `- {name: mm, type: mattermost, webhook: "${mattermost.webhook}"}`,
        `- {name: em, type: email, smtp: "${smtp.url()}", to: ops@acme.example}`,
        `- {name: wh, type: webhook, webhook: "${hook.url}/body", secret: ${HOOK_SECRET}, body: '{"logs": {{json failed_logs}}}'}`,
        `- {name: tpl, type: slack, webhook: "${custom.webhook}", message: '{{#each failed_logs}}{{job}}: {{#each lines}}{{this}}{{/each}}{{/each}}'}`,
      ].join('\n'),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('::warning::');
    expect(JSON.parse(result.outputs.sent!)).toBe(9);

    // The API was asked with the token; log storage, reached through the redirect, never saw it.
    expect(logRequests(api).map((r) => [r.url, r.headers.authorization])).toEqual([
      [`/repos/acme/shop/actions/jobs/${String(job.id)}/logs`, `Bearer ${GH_TOKEN}`],
    ]);
    expect(api.storage.requests).toHaveLength(1);
    expect(api.storage.requests[0]!.headers.authorization).toBeUndefined();
    expect(api.leaks).toEqual([]);

    expect(section(slackTexts(slack.accepted[0]!).at(-2)!, '*Error*')).toBe(
      [
        '*Error*: test (ubuntu, 24): step "Run npm test" failed',
        '*Log of test (ubuntu, 24) (Run npm test)*',
        '```',
        '&gt; shop@1.0.0 test',
        '✗ cart total &lt;"a" &amp; b&gt;',
        'npm config set //registry.npmjs.org/:_authToken=***',
        'POST https://hooks.example.com/*** -&gt; 500 @here',
        'Process completed with exit code 1.',
        '```',
      ].join('\n'),
    );
    const dingtalkText = String((dingtalk.accepted[0]!.actionCard as { text: string }).text);
    expect(section(dingtalkText, '- **Error**')).toBe(
      [
        '- **Error**: test (ubuntu, 24): step "Run npm test" failed',
        '**Log of test (ubuntu, 24) (Run npm test)**',
        '```',
        '&gt; shop@1.0.0 test',
        '✗ cart total &lt;"a" &amp; b&gt;',
        'npm config set //registry.npmjs.org/:\\_authToken=\\*\\*\\*',
        'POST https://hooks.example.com/\\*\\*\\* -&gt; 500 @here',
        'Process completed with exit code 1.',
        '```',
      ].join('\n'),
    );
    const card = (teams.accepted[0]!.attachments as { content: { body: { type: string; text?: string }[] } }[])[0]!
      .content;
    expect(section(card.body.at(-1)!.text!, '- **Error**')).toBe(
      [
        '- **Error**: test (ubuntu, 24): step "Run npm test" failed',
        '**Log of test (ubuntu, 24) (Run npm test)**',
        '> shop@1.0.0 test',
        '',
        '✗ cart total <\u200b"a" & b>',
        '',
        'npm config set //registry.npmjs.org/:\\_authToken=\\*\\*\\*',
        '',
        'POST https://hooks.example.com/\\*\\*\\* -> 500 @here',
        '',
        'Process completed with exit code 1.',
      ].join('\n'),
    );
    const embed = (discord.accepted[0]!.embeds as { description: string }[])[0]!;
    expect(section(embed.description, '- **Error**')).toBe(
      [
        '- **Error**: test \\(ubuntu, 24\\): step "Run npm test" failed',
        '**Log of test \\(ubuntu, 24\\) \\(Run npm test\\)**',
        '```',
        '> shop@\u200b1.0.0 test',
        '✗ cart total <"a" & b>',
        'npm config set //registry.npmjs.org/:_authToken=***',
        'POST https://hooks.example.com/*** -> 500 @\u200bhere',
        'Process completed with exit code 1.',
        '```',
      ].join('\n'),
    );
    const sent = telegram.accepted[0]!;
    expect(section(sent.html, '<b>Error</b>').split('\n\n')[0]).toBe(
      [
        '<b>Error</b>: test (ubuntu, 24): step &quot;Run npm test&quot; failed',
        '<b>Log of test (ubuntu, 24) (Run npm test)</b>',
        '<pre>&gt; shop@\u200b1.0.0 test',
        '✗ cart total &lt;&quot;a&quot; &amp; b&gt;',
        'npm config set //registry.npmjs.org/:_authToken=***',
        'POST https://hooks.example.com/*** -&gt; 500 @\u200bhere',
        'Process completed with exit code 1.</pre>',
      ].join('\n'),
    );
    expect(section(sent.text, 'Log of')).toBe(
      [
        'Log of test (ubuntu, 24) (Run npm test)',
        ...LAST_FIVE.map((line) => line.replace('@', '@\u200b')),
        '',
        'Click for more information',
      ].join('\n'),
    );
    const post = mattermost.accepted[0]!;
    const attachment = (post.body.attachments as { text: string }[])[0]!;
    expect(section(attachment.text, '**Log of')).toBe(
      [
        '**Log of test (ubuntu, 24) (Run npm test)**',
        '```',
        '> shop@\u200b1.0.0 test',
        '✗ cart total <\u200b"a" & b>',
        'npm config set //registry.npmjs.org/:_authToken=***',
        'POST https://hooks.example.com/*** -> 500 @\u200bhere',
        'Process completed with exit code 1.',
        '```',
      ].join('\n'),
    );
    expect(post.mentions).toEqual([]);
    const mail = smtp.mails[0]!.mail;
    expect(section(String(mail.text), 'Log of').split('\n\n')[0]).toBe(
      ['Log of test (ubuntu, 24) (Run npm test):', ...LAST_FIVE.map((line) => `  ${line}`)].join('\n'),
    );
    expect(String(mail.html)).toContain(
      [
        '<p><b>Log of test (ubuntu, 24) (Run npm test)</b>:</p><pre>&gt; shop@1.0.0 test',
        '✗ cart total &lt;&quot;a&quot; &amp; b&gt;',
        'npm config set //registry.npmjs.org/:_authToken=***',
        'POST https://hooks.example.com/*** -&gt; 500 @here',
        'Process completed with exit code 1.</pre>',
      ].join('\n'),
    );
    expect(JSON.parse(hook.requests[0]!.body)).toEqual({
      logs: [{ job: JOB, step: 'Run npm test', lines: LAST_FIVE }],
    });
    expect(slackTexts(custom.accepted[0]!)).toContain(
      `${JOB}: ${LAST_FIVE.join('')}`.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
    );

    const seen = [
      everything(result),
      ...[slack, custom, dingtalk, teams, discord, telegram, mattermost, hook].flatMap((s) =>
        s.requests.map((r) => r.body),
      ),
      ...smtp.mails.map((m) => `${m.mail.text}${m.mail.html}`),
    ].join('\n');
    for (const secret of [NPM_TOKEN, HOOK_SECRET, GH_TOKEN, '##[', ESC, '2026-11-20T08:01:1']) {
      expect(seen).not.toContain(secret);
    }
  });
});

describe('failure log excerpts on GitHub, when things go wrong', () => {
  it.each([
    [403, { status: 403 }, 'HTTP 403: add "permissions: actions: read" to the workflow or job'],
    [404, undefined, 'HTTP 404: the log is gone, or the token lacks "permissions: actions: read"'],
  ])('a %i log is a warning, and the notification goes out without the excerpt', async (_status, reply, why) => {
    const api = await github([failedJob(JOB)], reply ? { [JOB]: reply } : {});
    const slack = await track(startSlack({ path: '/services/T0AAAAAAA/B0BBBBBBB/slackSecret12345' }));
    const hook = await track(startReceiver());
    const result = await notify(api, {
      INPUT_TARGETS: [
        `- {name: sl, type: slack, webhook: "${slack.webhook}"}`,
        `- {name: wh, type: webhook, webhook: "${hook.url}/body", body: '{"logs": {{json failed_logs}}}'}`,
      ].join('\n'),
    });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').filter((line) => line.startsWith('::warning::'))).toEqual([
      `::warning::Cannot read the log of job "${JOB}" (${why}); the notification goes out without it.`,
    ]);
    expect(logRequests(api)).toHaveLength(1);
    expect(api.storage.requests).toEqual([]);
    expect(section(slackTexts(slack.accepted[0]!).at(-2)!, '*Error*')).toBe(
      '*Error*: test (ubuntu, 24): step "Run npm test" failed',
    );
    expect(JSON.parse(hook.requests[0]!.body)).toEqual({ logs: [] });
    expect(result.outputs).toMatchObject({ sent: '2', failed: '0' });
  });

  it('shows three excerpts at most: the first three failed jobs to finish', async () => {
    const names = ['lint', 'unit', 'e2e', 'docs'];
    const finish = [3, 1, 2, 0];
    const api = await github(
      names.map((name, i) => failedJob(name, finish[i])),
      Object.fromEntries(names.map((name) => [name, jobLog([`${name} failed here`])])),
    );
    const slack = await track(startSlack({ path: '/services/T0AAAAAAA/B0BBBBBBB/slackSecret12345' }));
    const hook = await track(startReceiver());
    const result = await notify(api, {
      'INPUT_LOG-LINES': '2',
      INPUT_TARGETS: [
        `- {name: sl, type: slack, webhook: "${slack.webhook}"}`,
        `- {name: wh, type: webhook, webhook: "${hook.url}/body", body: '{"logs": {{json failed_logs}}}'}`,
      ].join('\n'),
    });
    expect(result.code).toBe(0);
    expect(logRequests(api)).toHaveLength(3);
    expect(JSON.parse(hook.requests[0]!.body).logs).toEqual(
      ['docs', 'unit', 'e2e'].map((job) => ({
        job,
        step: 'Run npm test',
        lines: [`${job} failed here`, 'Process completed with exit code 1.'],
      })),
    );
    const text = slackTexts(slack.accepted[0]!).join('\n');
    expect(text.match(/^\*Log of .*\*$/gm)).toEqual([
      '*Log of docs (Run npm test)*',
      '*Log of unit (Run npm test)*',
      '*Log of e2e (Run npm test)*',
    ]);
  });

  it('keeps a big log within every target’s limit, and leaves no code block open', async () => {
    // Long lines full of what dialects escape (markup, `<`, `&`, fences, mentions) in three jobs.
    const big = (job: string) =>
      jobLog(
        Array.from(
          { length: 260 },
          // 487 characters: three lines and the last one fill the 1,500 characters kept per job.
          (_, i) => `${job} 错误 ${i} *bold* <b> _x_ \`\`\` @all 界界 `.padEnd(487, '&'),
        ),
      );
    const names = ['unit', 'e2e', 'lint'];
    const api = await github(
      names.map((name, i) => failedJob(name, i)),
      Object.fromEntries(names.map((name) => [name, big(name)])),
    );
    const dingtalk = await track(startDingTalk({ token: 'ddtoken123456' }));
    const wecom = await track(startWeCom({ key: 'wckey-1234-5678' }));
    const discord = await track(startDiscord({ id: '1234567890123456789', token: 'discordTok3n' }));
    const slack = await track(startSlack({ path: '/services/T0AAAAAAA/B0BBBBBBB/slackSecret12345' }));
    const teams = await track(startTeams({ sig: 'teamsSig12345678' }));
    const telegram = await track(startTelegram({ token: TELEGRAM_TOKEN, chats: { [CHAT]: Number(CHAT) } }));
    const mattermost = await track(startMattermost({ hook: 'mmhook1234567890abcdefghij' }));
    const result = await notify(api, {
      'INPUT_LOG-LINES': '200',
      INPUT_TARGETS: [
        `- {name: dd, type: dingtalk, webhook: "${dingtalk.webhook}"}`,
        `- {name: wc, type: wecom, webhook: "${wecom.webhook}"}`,
        `- {name: dc, type: discord, webhook: "${discord.webhook}"}`,
        `- {name: sl, type: slack, webhook: "${slack.webhook}"}`,
        `- {name: tm, type: teams, webhook: "${teams.webhook}"}`,
        `- {name: tg, type: telegram, token: "${TELEGRAM_TOKEN}", api-url: "${telegram.apiUrl}", receivers: "${CHAT}"}`,
        `- {name: mm, type: mattermost, webhook: "${mattermost.webhook}"}`,
      ].join('\n'),
    });
    expect(result.code).toBe(0);
    expect(result.outputs).toMatchObject({ sent: '7', failed: '0' });
    expect(result.stdout).not.toContain('::warning::');

    const dingtalkText = String((dingtalk.accepted[0]!.actionCard as { text: string }).text);
    expect(Buffer.byteLength(dingtalk.requests[0]!.body)).toBeLessThanOrEqual(20_000);
    expect(fences(dingtalkText) % 2).toBe(0);
    // Cut inside the last code block, which is closed before the marker.
    expect(dingtalkText).toContain('\n```\n…(truncated)');
    expect(dingtalkText).toContain('**Log of lint (Run npm test)**');

    const wecomText = String((wecom.accepted[0]!.markdown as { content: string }).content);
    expect(Buffer.byteLength(wecomText)).toBeLessThanOrEqual(4096);
    expect(fences(wecomText) % 2).toBe(0);
    expect(wecomText).toContain('\n```\n…(truncated)');
    expect(wecomText).toContain('**Log of unit (Run npm test)**');

    const embed = (
      discord.accepted[0]!.embeds as { title: string; description: string; fields: { name: string; value: string }[] }[]
    )[0]!;
    const discordTotal = [embed.title, embed.description, ...embed.fields.flatMap((f) => [f.name, f.value])].join('');
    expect(Array.from(discordTotal).length).toBeLessThanOrEqual(6000);
    expect(fences(embed.description) % 2).toBe(0);
    expect(embed.description).toContain('\n```\n…(truncated)');
    expect(embed.description).toContain('**Log of unit \\(Run npm test\\)**');

    const slackText = slackTexts(slack.accepted[0]!).join('\n');
    expect(fences(slackText) % 2).toBe(0);
    expect(slackText).toContain('*Log of unit (Run npm test)*');
    const post = (mattermost.accepted[0]!.body.attachments as { text: string }[])[0]!.text;
    expect(fences(post) % 2).toBe(0);
    expect(mattermost.accepted[0]!.mentions).toEqual([]);
    expect(teams.accepted).toHaveLength(1);
    // The emulator parses the HTML as Telegram does: a <pre> left open would be refused.
    expect(telegram.accepted[0]!.text).toContain('Log of unit (Run npm test)');
  });
});

describe('failure log excerpts in a Teams card', () => {
  it('shows a test diff and numbered lines as they are, never as lists', async () => {
    const log = jobLog(['- Expected', '+ Received', '  1. checkout', '* note', '  - "a"']);
    const api = await github([failedJob(JOB)], { [JOB]: log });
    const teams = await track(startTeams({ sig: 'teamsSig12345678' }));
    const result = await notify(api, { 'INPUT_LOG-LINES': '6', INPUT_TYPE: 'teams', INPUT_WEBHOOK: teams.webhook });
    expect(result.code).toBe(0);
    const card = (teams.accepted[0]!.attachments as { content: { body: { text?: string }[] } }[])[0]!.content;
    // A zero-width space before a list marker keeps the line a paragraph; the marker still shows.
    expect(section(card.body.at(-1)!.text!, '**Log of')).toBe(
      [
        '**Log of test (ubuntu, 24) (Run npm test)**',
        '\u200b- Expected',
        '',
        '\u200b+ Received',
        '',
        '  \u200b1. checkout',
        '',
        '\\* note',
        '',
        '  \u200b- "a"',
        '',
        'Process completed with exit code 1.',
      ].join('\n'),
    );
  });
});

describe('log-lines', () => {
  it('reads no log by default, and never changes the Zadig payload', async () => {
    const api = await github([failedJob(JOB)], { [JOB]: JOB_LOG });
    const hook = await track(startReceiver());
    const targets = `- {name: zadig, type: webhook, webhook: "${hook.url}/zadig", secret: ${HOOK_SECRET}}`;
    const quiet = await notify(api, { 'INPUT_LOG-LINES': undefined, INPUT_TARGETS: targets });
    expect(quiet.code).toBe(0);
    expect(logRequests(api)).toEqual([]);
    expect(api.storage.requests).toEqual([]);
    const read = await notify(api, { INPUT_TARGETS: targets });
    expect(read.code).toBe(0);
    expect(logRequests(api)).toHaveLength(1);
    const [without, withLogs] = hook.requests.map((r) => JSON.parse(r.body));
    expect(withLogs).toEqual(without);
    expect(JSON.stringify(withLogs)).not.toContain('exit code 1');
  });

  it('above 200 is a configuration error', async () => {
    const api = await github([failedJob(JOB)], { [JOB]: JOB_LOG });
    const hook = await track(startReceiver());
    const result = await notify(api, {
      'INPUT_LOG-LINES': '201',
      INPUT_TARGETS: `- {name: zadig, type: webhook, webhook: "${hook.url}/zadig"}`,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('::error::  log-lines: expected a whole number from 0 to 200\n');
    expect(hook.requests).toEqual([]);
    expect(api.requests).toEqual([]);
  });
});

const GITLAB_JOBS: GitLabJobSpec[] = [
  { id: 502, name: 'compile', stage: 'build', status: 'success' },
  { id: 503, name: 'unit', stage: 'test', status: 'failed' },
  { id: 504, name: 'workflow-notify:failure', stage: '.post', status: 'running' },
];
const TRACE = gitlabTrace([
  ['prepare_executor', 'Preparing the "docker" executor', ['Using Docker executor with image node:24 ...']],
  ['get_sources', 'Getting source from Git repository', ['Fetching changes with git depth set to 20...']],
  [
    'step_script',
    'Executing "step_script" stage of the job script',
    [
      `${ESC}[32;1m$ npm ci${ESC}[0;m`,
      'added 12 packages  10%\radded 240 packages in 3s',
      `${ESC}[32;1m$ echo "//registry.npmjs.org/:_authToken=glpat-Xy7Zq9Wv3Tu5Rs1Pq2Ab" > .npmrc${ESC}[0;m`,
      `2026-11-20T08:01:12.123456Z 00O ${ESC}[32;1m$ npm test${ESC}[0;m`,
      '2026-11-20T08:01:13.000001Z 01E FAIL cart.test.js',
      `  POST https://hooks.example.com/${HOOK_SECRET} answered 500`,
    ],
  ],
  ['upload_artifacts_on_failure', 'Uploading artifacts for failed job', ['Uploading artifacts...']],
]);

describe('failure log excerpts on GitLab', () => {
  it("with a read_api token shows the step_script section's last lines, cleaned and redacted", async () => {
    const api = await track(startGitLabApi({ token: GL_TOKEN, jobs: GITLAB_JOBS, traces: { unit: TRACE } }));
    const slack = await track(startSlack({ path: '/services/T0AAAAAAA/B0BBBBBBB/slackSecret12345' }));
    const hook = await track(startReceiver());
    const result = await runDist({
      env: gitlabEnv(api.url, {
        CI_JOB_ID: '504',
        NOTIFY_GITLAB_TOKEN: GL_TOKEN,
        NOTIFY_LOG_LINES: '5',
        NOTIFY_TARGETS: [
          `- {name: sl, type: slack, webhook: "${slack.webhook}"}`,
          `- {name: wh, type: webhook, webhook: "${hook.url}/body", secret: ${HOOK_SECRET}, body: '{"logs": {{json failed_logs}}}'}`,
        ].join('\n'),
      }),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/^warning:/m);
    expect(logRequests(api).map((r) => [r.url, r.headers['private-token']])).toEqual([
      ['/api/v4/projects/4711/jobs/503/trace', GL_TOKEN],
    ]);
    const lines = [
      'added 240 packages in 3s',
      '$ echo "//registry.npmjs.org/:_authToken=***" > .npmrc',
      '$ npm test',
      'FAIL cart.test.js',
      '  POST https://hooks.example.com/*** answered 500',
    ];
    expect(JSON.parse(hook.requests[0]!.body)).toEqual({ logs: [{ job: 'unit', step: 'step_script', lines }] });
    expect(section(slackTexts(slack.accepted[0]!).at(-2)!, '*Log of')).toBe(
      [
        '*Log of unit (step_script)*',
        '```',
        'added 240 packages in 3s',
        '$ echo "//registry.npmjs.org/:_authToken=***" &gt; .npmrc',
        '$ npm test',
        'FAIL cart.test.js',
        '  POST https://hooks.example.com/*** answered 500',
        '```',
      ].join('\n'),
    );
    expect(everything(result)).not.toContain(HOOK_SECRET);
  });

  it('without a token reads no trace and says so in one line at most', async () => {
    const api = await track(startGitLabApi({ token: GL_TOKEN, jobs: GITLAB_JOBS, traces: { unit: TRACE } }));
    const hook = await track(startReceiver());
    const result = await runDist({
      env: gitlabEnv(api.url, {
        CI_JOB_ID: '504',
        NOTIFY_STATUS: 'failed',
        NOTIFY_LOG_LINES: '5',
        NOTIFY_TARGETS: `- {name: wh, type: webhook, webhook: "${hook.url}/body", body: '{"logs": {{json failed_logs}}}'}`,
      }),
    });
    expect(result.code).toBe(0);
    expect(logRequests(api)).toEqual([]);
    expect(JSON.parse(hook.requests[0]!.body)).toEqual({ logs: [] });
    expect(result.stdout.split('\n').filter((line) => /\blogs?\b/i.test(line)).length).toBeLessThanOrEqual(1);
  });
});
