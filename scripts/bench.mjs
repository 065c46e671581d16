#!/usr/bin/env node
// npm run bench: speed and memory of dist/index.js, each figure measured in this one run beside
// bare `node -e 0` (interleaved runs, medians), against loopback servers only. Exits 1 when a
// budget is missed.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const RSS = fileURLToPath(new URL('./bench-rss.mjs', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 11);

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

/** Runs the baseline and the candidate alternately; medians of both. */
async function compare(args, env, runs = RUNS) {
  const base = [];
  const cand = [];
  const rss = [];
  await run(args, env); // warm the file cache
  for (let i = 0; i < runs; i++) {
    base.push((await run(['-e', '0'])).ms);
    const result = await run(['--import', RSS, ...args], env);
    if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.out}${result.err}`);
    cand.push(result.ms);
    rss.push(result.rss);
  }
  return { base: median(base), ms: median(cand), rss: Math.max(...rss) };
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

const rows = [];
let missed = 0;
function report(name, figure, budget, ok, detail) {
  if (!ok) missed++;
  rows.push([name, figure, budget, ok ? 'ok' : 'MISSED', detail]);
}

// 1. Bundle size.
const files = readdirSync(new URL('../dist/', import.meta.url)).filter((f) => f.endsWith('.js'));
const sizes = Object.fromEntries(files.map((f) => [f, statSync(new URL(`../dist/${f}`, import.meta.url)).size]));
const total = Object.values(sizes).reduce((a, b) => a + b, 0);
report(
  'bundle size',
  `${(total / 1024).toFixed(0)} KiB`,
  '≤ 1 MB',
  total <= 1_000_000,
  `index.js ${(sizes['index.js'] / 1024).toFixed(0)} KiB; lazy chunks ${files
    .filter((f) => f !== 'index.js')
    .map((f) => `${(sizes[f] / 1024).toFixed(0)} KiB`)
    .join(', ')}`,
);

// 2. Cold start.
const cold = await compare([DIST, '--version'], {}, RUNS + 10);
report(
  'cold start (--version)',
  `${(cold.ms / cold.base).toFixed(2)}×`,
  '≤ 1.5×',
  cold.ms / cold.base <= 1.5,
  `${cold.ms.toFixed(0)} ms vs node -e 0 ${cold.base.toFixed(0)} ms`,
);

// 3. One Slack message end to end.
const slack = await listen(answer(0));
const one = await compare([DIST], {
  ...GITHUB,
  INPUT_STATUS: 'success',
  INPUT_TYPE: 'slack',
  INPUT_WEBHOOK: `${slack.url}/services/T/B/X`,
});
slack.server.close();
report(
  'one Slack message, end to end',
  `${(one.ms / one.base).toFixed(2)}×`,
  '≤ 2.5×',
  one.ms / one.base <= 2.5,
  `${one.ms.toFixed(0)} ms vs ${one.base.toFixed(0)} ms`,
);
report('peak RSS, one message', `${one.rss.toFixed(0)} MiB`, '≤ 60 MiB', one.rss <= 60, '');

// 4. Dry run over a 1,000-job pipeline with nine targets.
const api = await githubApi(1000);
const big = await compare([DIST], {
  ...GITHUB,
  GITHUB_API_URL: api.url,
  'INPUT_GITHUB-TOKEN': 't',
  'INPUT_DRY-RUN': 'true',
  INPUT_TARGETS: nineTargets('http://127.0.0.1:1'),
});
api.server.close();
report(
  '1,000-job dry run, nine targets',
  `${(big.ms / big.base).toFixed(2)}×`,
  '≤ 2.5×',
  big.ms / big.base <= 2.5,
  `${big.ms.toFixed(0)} ms vs ${big.base.toFixed(0)} ms`,
);
report('peak RSS, 1,000-job run', `${big.rss.toFixed(0)} MiB`, '≤ 100 MiB', big.rss <= 100, '');

// 5. Fan-out: nine targets whose receivers answer after 200 ms, email included (a real SMTP
// server: smtp-server waits 100 ms before its greeting, to catch early talkers, and this one
// accepts the message 100 ms after its end, so its latency too is 200 ms). The figure is the longest target's time, as the
// program reports it, ÷ 200 ms; feishu-app needs its token first (two calls in a row) and is
// shown on its own line.
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
for (let i = 0; i < 5; i++) {
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
  walls.push(result.ms);
}
slow.server.close();
smtp.close();
const fanRatio = median(spans) / 200;
report(
  'fan-out, 9 targets at 200 ms',
  `${fanRatio.toFixed(2)}×`,
  '≤ 1.5×',
  fanRatio <= 1.5,
  `slowest single-call target ${median(spans)} ms; feishu-app (token, then message) ${median(apps)} ms; whole process ${median(walls).toFixed(0)} ms`,
);

const width = [34, 10, 11, 7];
console.log(`workflow-notify benchmark — node ${process.version}, ${RUNS} interleaved runs, medians\n`);
console.log(['measure', 'figure', 'budget', 'result'].map((h, i) => h.padEnd(width[i])).join(' '), ' detail');
for (const row of rows)
  console.log(
    row
      .slice(0, 4)
      .map((c, i) => String(c).padEnd(width[i]))
      .join(' '),
    ' ' + row[4],
  );
process.exitCode = missed ? 1 : 0;
