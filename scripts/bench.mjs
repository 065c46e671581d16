#!/usr/bin/env node
// npm run bench: speed and memory of dist/index.js, each figure measured in this one run beside
// bare `node -e 0` and beside the floor (a minimal node:http POST of the same JSON), interleaved
// runs, medians, against loopback servers only. Exits 1 when a budget is missed.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const RSS = fileURLToPath(new URL('./bench-rss.mjs', import.meta.url));
// At least 21 runs each: fewer gives medians that move by a few milliseconds between runs.
const RUNS = Math.max(21, Number(process.env.BENCH_RUNS ?? 21));
const LOADED = fileURLToPath(new URL('./bench-loaded.mjs', import.meta.url));

function run(args, env = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const rss = Number(/BENCH_MAXRSS_KB=(\d+)/.exec(err)?.[1] ?? 0) / 1024;
      resolve({ code, ms, rss, out, err });
    });
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/** Bare `node -e 0`: every figure is read against it. */
const BARE = { args: ['-e', '0'] };

/**
 * Runs the commands round-robin, `runs` times each after one warm-up (file cache), so that a busy
 * moment of the machine falls on all of them alike. Medians of time; peak RSS of each.
 */
async function interleave(commands, runs = RUNS) {
  const times = commands.map(() => []);
  const rss = commands.map(() => 0);
  for (const { args, env } of commands) await run(args, env);
  for (let i = 0; i < runs; i++) {
    for (const [k, { args, env }] of commands.entries()) {
      const result = await run(['--import', RSS, ...args], env);
      if (result.code !== 0) throw new Error(`${args.join(' ')}: exit ${result.code}: ${result.out}${result.err}`);
      times[k].push(result.ms);
      rss[k] = Math.max(rss[k], result.rss);
    }
  }
  return commands.map((_, k) => ({ ms: median(times[k]), rss: rss[k] }));
}

function listen(handler) {
  return new Promise((resolve) => {
    const server = createServer(handler);
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}` }));
  });
}

const answer =
  (delayMs, body = 'ok') =>
  (req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => res.end(body), delayMs));
  };

/** A GitHub API with one run of `count` jobs, paginated like GitHub. */
function githubApi(count) {
  const jobs = Array.from({ length: count }, (_, i) => ({
    id: 1000 + i,
    name: `test (shard ${i % 50}, node ${20 + (i % 3)})`,
    status: 'completed',
    conclusion: i === 7 ? 'failure' : 'success',
    started_at: new Date(Date.UTC(2026, 10, 20, 8, 0, i % 60)).toISOString(),
    completed_at: new Date(Date.UTC(2026, 10, 20, 8, 5, i % 60)).toISOString(),
    created_at: '2026-11-20T08:00:00Z',
    runner_name: `runner ${i}`,
    steps: [{ name: 'Run tests', status: 'completed', conclusion: i === 7 ? 'failure' : 'success', number: 1 }],
  }));
  return listen((req, res) => {
    const url = new URL(req.url, 'http://x');
    res.setHeader('Content-Type', 'application/json');
    if (url.pathname.endsWith('/jobs')) {
      const page = Number(url.searchParams.get('page') ?? 1);
      return res.end(JSON.stringify({ total_count: jobs.length, jobs: jobs.slice((page - 1) * 100, page * 100) }));
    }
    if (url.pathname.endsWith('/runs/42'))
      return res.end(
        JSON.stringify({
          id: 42,
          workflow_id: 7,
          created_at: '2026-11-20T08:00:00Z',
          run_started_at: '2026-11-20T08:00:01Z',
        }),
      );
    return res.end(JSON.stringify({ total_count: 0, workflow_runs: [] }));
  });
}

const GITHUB = {
  GITHUB_ACTIONS: 'true',
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_RUN_ID: '42',
  GITHUB_RUN_NUMBER: '47',
  GITHUB_WORKFLOW: 'CI',
  GITHUB_JOB: 'notify',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_SHA: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
  GITHUB_REF_NAME: 'main',
  GITHUB_REF_TYPE: 'branch',
  GITHUB_ACTOR: 'ann',
};

function nineTargets(url) {
  return [
    `- {type: dingtalk, webhook: "${url}/robot/send?access_token=t", secret: SECx}`,
    `- {type: feishu, webhook: "${url}/open-apis/bot/v2/hook/h", secret: s}`,
    `- {type: feishu-app, domain: "${url}", app-id: a, app-secret: b, receivers: oc_1}`,
    `- {type: wecom, webhook: "${url}/cgi-bin/webhook/send?key=k"}`,
    `- {type: teams, webhook: "${url}/workflows/w/invoke?sig=s"}`,
    `- {type: slack, webhook: "${url}/services/T/B/X"}`,
    `- {type: discord, webhook: "${url}/api/webhooks/1/t"}`,
    `- {type: webhook, webhook: "${url}/zadig", secret: s}`,
    `- {type: email, smtp: "smtp://u:p@127.0.0.1:1", to: a@b.c}`,
  ].join('\n');
}

/** A GitHub API that refuses this run's reads (a token without `actions: read`). */
const refusingApi = () =>
  listen((req, res) => {
    req.resume();
    res
      .writeHead(403, { 'Content-Type': 'application/json' })
      .end('{"message":"Resource not accessible by integration"}');
  });

/** The floor: the least a program can do to send the same message, a bare node:http POST. */
const floorScript = (url, body) =>
  `const r=require('node:http').request(${JSON.stringify(url)},{method:'POST',headers:{'content-type':'application/json'}},(s)=>s.resume());r.end(${JSON.stringify(body)})`;

const files = readdirSync(new URL('../dist/', import.meta.url)).filter((f) => f.endsWith('.js'));
const sizes = Object.fromEntries(files.map((f) => [f, statSync(new URL(`../dist/${f}`, import.meta.url)).size]));
const total = Object.values(sizes).reduce((a, b) => a + b, 0);
const KB = (bytes) => `${(bytes / 1000).toFixed(0)} KB`;

/** The dist/ files a run loads (an untimed run with a resolve hook) and their size. */
async function loadedFiles(args, env) {
  const result = await run(['--import', LOADED, ...args], env);
  const loaded = /BENCH_LOADED=(.*)/.exec(result.err)?.[1].split(',').filter(Boolean) ?? [];
  return { files: loaded, bytes: loaded.reduce((sum, f) => sum + (sizes[f] ?? 0), 0) };
}

/** Loading only: a process that imports the files a run loads (their top-level code runs), then exits. */
const importOnly = (loaded) => ({
  args: [
    '--input-type=module',
    '-e',
    // The entry itself would run the program: the files it imports are loaded instead.
    loaded
      .filter((f) => f !== 'index.js')
      .map((f) => `await import(${JSON.stringify(new URL(`../dist/${f}`, import.meta.url).href)});`)
      .join(''),
  ],
});

const rows = [];
let missed = 0;
const x = (ms, base) => `${(ms / base).toFixed(2)}×`;
function report(name, figure, vsBare, vsFloor, budget, ok, detail = '') {
  if (ok === false) missed++;
  rows.push([name, figure, vsBare, vsFloor, budget, ok === undefined ? '' : ok ? 'ok' : 'MISSED', detail]);
}

// 1. One Slack message on GitHub, with and without a token (with one, the API refuses the reads).
const slack = await listen(answer(0));
const api = await refusingApi();
const slackEnv = {
  ...GITHUB,
  GITHUB_API_URL: api.url,
  INPUT_STATUS: 'success',
  INPUT_TYPE: 'slack',
  INPUT_WEBHOOK: `${slack.url}/services/T/B/X`,
};
const tokenEnv = { ...slackEnv, 'INPUT_GITHUB-TOKEN': 'ghs_bench' };
let slackBody = '';
const received = new Promise((resolve) => {
  slack.server.once('request', (req) => {
    req.setEncoding('utf8');
    req.on('data', (c) => (slackBody += c));
    req.on('end', resolve);
  });
});
await run([DIST], slackEnv);
await received;
const floor = { args: ['-e', floorScript(`${slack.url}/services/T/B/X`, slackBody)] };
const oneLoad = await loadedFiles([DIST], tokenEnv);
const [bare, floorRun, withToken, noToken, loading] = await interleave([
  BARE,
  floor,
  { args: [DIST], env: tokenEnv },
  { args: [DIST], env: slackEnv },
  importOnly(oneLoad.files),
]);
const [versionBare, version] = await interleave([BARE, { args: [DIST, '--version'] }]);
slack.server.close();
api.server.close();

report('bare node -e 0', `${bare.ms.toFixed(0)} ms`, '1.00×', x(bare.ms, floorRun.ms), '');
report('floor: node:http POST of the message', `${floorRun.ms.toFixed(0)} ms`, x(floorRun.ms, bare.ms), '1.00×', '');
report(
  'one Slack message, API refuses (403)',
  `${withToken.ms.toFixed(0)} ms`,
  x(withToken.ms, bare.ms),
  x(withToken.ms, floorRun.ms),
  '≤ 2.3×',
  withToken.ms / bare.ms <= 2.3,
);
report(
  '  of which loading the code',
  `${loading.ms.toFixed(0)} ms`,
  x(loading.ms, bare.ms),
  '',
  '',
  undefined,
  `importing the ${oneLoad.files.length} files it loads: ${(loading.ms - bare.ms).toFixed(0)} ms above bare node; the work (config, context, HTTP): ${(withToken.ms - loading.ms).toFixed(0)} ms`,
);
report(
  'one Slack message, no token',
  `${noToken.ms.toFixed(0)} ms`,
  x(noToken.ms, bare.ms),
  x(noToken.ms, floorRun.ms),
  '≤ 2.2×',
  noToken.ms / bare.ms <= 2.2,
);
report(
  '--version',
  `${version.ms.toFixed(0)} ms`,
  x(version.ms, versionBare.ms),
  '',
  '≤ 1.3×',
  version.ms / versionBare.ms <= 1.3,
);
report(
  'bundle loaded for one message',
  KB(oneLoad.bytes),
  '',
  '',
  '≤ 150 KB',
  oneLoad.bytes <= 150_000,
  oneLoad.files.map((f) => `${f} ${KB(sizes[f])}`).join(', '),
);
report('bundle, all of dist/*.js', KB(total), '', '', '≤ 700 KB', total <= 700_000, `${files.length} files`);
report('peak RSS, one message', `${withToken.rss.toFixed(0)} MiB`, '', '', '≤ 52 MiB', withToken.rss <= 52);

// 2. Dry run over a 1,000-job pipeline with nine targets.
const jobsApi = await githubApi(1000);
const [bigBare, big] = await interleave([
  BARE,
  {
    args: [DIST],
    env: {
      ...GITHUB,
      GITHUB_API_URL: jobsApi.url,
      'INPUT_GITHUB-TOKEN': 't',
      'INPUT_DRY-RUN': 'true',
      INPUT_TARGETS: nineTargets('http://127.0.0.1:1'),
    },
  },
]);
jobsApi.server.close();
report(
  '1,000-job dry run, nine targets',
  `${big.ms.toFixed(0)} ms`,
  x(big.ms, bigBare.ms),
  x(big.ms, floorRun.ms),
  '≤ 3.0×',
  big.ms / bigBare.ms <= 3.0,
);
report('peak RSS, 1,000-job run', `${big.rss.toFixed(0)} MiB`, '', '', '≤ 100 MiB', big.rss <= 100);

// 3. Fan-out: nine targets whose receivers answer after 200 ms, email included (a real SMTP
// server: smtp-server waits 100 ms before its greeting, to catch early talkers, and this one
// accepts the message 100 ms after its end, so its latency too is 200 ms). The figure is the
// longest single-call target's time, as the program reports it, ÷ 200 ms; feishu-app needs its
// token first (two calls in a row) and is shown in the detail.
const { SMTPServer } = await import('smtp-server');
const smtp = new SMTPServer({
  disableReverseLookup: true,
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, _s, cb) {
    stream.resume();
    stream.on('end', () => setTimeout(cb, 100));
  },
});
await new Promise((r) => smtp.listen(0, '127.0.0.1', r));
const smtpPort = smtp.server.address().port;
const slow = await listen((req, res) => {
  const url = new URL(req.url, 'http://x');
  const body = url.pathname.includes('tenant_access_token')
    ? JSON.stringify({ code: 0, tenant_access_token: 't-x', expire: 7200 })
    : url.pathname.includes('/robot/') || url.pathname.includes('/webhook/send')
      ? JSON.stringify({ errcode: 0, errmsg: 'ok' })
      : url.pathname.includes('/open-apis/')
        ? JSON.stringify({ code: 0, msg: 'ok' })
        : 'ok';
  answer(200, body)(req, res);
});
const fanTargets = nineTargets(slow.url).replace('smtp://u:p@127.0.0.1:1', `smtp://127.0.0.1:${smtpPort}`);
const spans = [];
const walls = [];
const apps = [];
const emails = [];
for (let i = 0; i < 7; i++) {
  const result = await run([DIST], {
    ...GITHUB,
    INPUT_STATUS: 'success',
    INPUT_RETRIES: '0',
    INPUT_TARGETS: fanTargets,
  });
  const times = [...result.out.matchAll(/^✓ (\S+) "[^"]+" delivered in (\d+) ms$/gm)].map((m) => [m[1], Number(m[2])]);
  if (times.length !== 9) throw new Error(`fan-out: ${times.length} of 9 delivered\n${result.out}`);
  spans.push(Math.max(...times.filter(([type]) => type !== 'feishu-app').map(([, ms]) => ms)));
  apps.push(times.find(([type]) => type === 'feishu-app')[1]);
  emails.push(times.find(([type]) => type === 'email')[1]);
  walls.push(result.ms);
}
slow.server.close();
smtp.close();
const fanRatio = median(spans) / 200;
report(
  'fan-out, 9 targets at 200 ms',
  `${median(spans)} ms`,
  '',
  '',
  '≤ 1.2× of 200 ms',
  fanRatio <= 1.2,
  `${fanRatio.toFixed(2)}× of 200 ms; email ${median(emails)} ms; feishu-app (token, then message) ${median(apps)} ms; whole process ${median(walls).toFixed(0)} ms`,
);

const headers = ['measure', 'median', '× bare', '× floor', 'budget', 'result'];
const width = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
const line = (cells) => cells.map((c, i) => String(c).padEnd(width[i])).join('  ');
console.log(`workflow-notify benchmark — node ${process.version}, ${RUNS} interleaved runs, medians\n`);
console.log(line(headers), ' detail');
for (const row of rows) console.log(line(row.slice(0, 6)), ' ' + row[6]);
process.exitCode = missed ? 1 : 0;
