#!/usr/bin/env node
// npm start: the product at work before anything is configured. One loopback server stands in
// for every target type (and a tiny SMTP server for email); dist/index.js notifies them about
// this clone's last commit, and what each one received is shown. Nothing leaves this machine.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** What each stand-in answers: the success each vendor gives (some answer plain `ok`). */
function answer(type, path) {
  if (type === 'slack' || type === 'mattermost') return { text: 'ok' };
  if (type === 'teams') return { status: 202, text: '' };
  if (type === 'webhook') return { text: '' };
  const json = {
    dingtalk: { errcode: 0, errmsg: 'ok' },
    wecom: { errcode: 0, errmsg: 'ok' },
    feishu: { code: 0, msg: 'success' },
    'feishu-app': path.includes('tenant_access_token')
      ? { code: 0, tenant_access_token: 't-demo', expire: 7200 }
      : { code: 0, msg: 'success', data: { message_id: 'om_demo' } },
    discord: { id: '1180000000000000000', channel_id: '1170000000000000000' },
    'google-chat': { name: 'spaces/DEMO/messages/DEMO.1' },
    telegram: { ok: true, result: { message_id: 1, chat: { id: -1001234567890 } } },
    'slack-app': { ok: true, channel: 'C0DEMO', ts: '1700000000.000100' },
    'dingtalk-app': path.includes('accessToken')
      ? { accessToken: 'demo-token', expireIn: 7200 }
      : { processQueryKey: 'demo', invalidStaffIdList: [], flowControlledStaffIdList: [] },
    'wecom-app': path.includes('gettoken')
      ? { errcode: 0, errmsg: 'ok', access_token: 'demo-token', expires_in: 7200 }
      : { errcode: 0, errmsg: 'ok', invaliduser: '', msgid: 'demo' },
  }[type] ?? { ok: true };
  return { text: JSON.stringify(json), json: true };
}

/** Each type's target, pointed at the stand-in (`base` is http://127.0.0.1:<port>/<type>). */
const TARGETS = {
  feishu: (base) => ({ webhook: `${base}/open-apis/bot/v2/hook/demo` }),
  'feishu-app': (base) => ({ 'app-id': 'cli_demo', 'app-secret': 'demo-secret', domain: base, receivers: 'oc_demo' }),
  dingtalk: (base) => ({ webhook: `${base}/robot/send?access_token=demo` }),
  'dingtalk-app': (base) => ({
    'app-key': 'demo',
    'app-secret': 'demo-secret',
    'robot-code': 'demo',
    receivers: 'chat:cid_demo',
    'api-url': base,
  }),
  wecom: (base) => ({ webhook: `${base}/cgi-bin/webhook/send?key=demo` }),
  'wecom-app': (base) => ({
    'corp-id': 'demo',
    'agent-id': '1000002',
    'app-secret': 'demo-secret',
    receivers: 'demo_user',
    'api-url': base,
  }),
  teams: (base) => ({ webhook: `${base}/workflows/demo/triggers/manual/paths/invoke?sig=demo` }),
  slack: (base) => ({ webhook: `${base}/services/T0/B0/demo` }),
  'slack-app': (base) => ({ token: 'xoxb-demo-token', receivers: 'C0DEMO', 'api-url': base }),
  discord: (base) => ({ webhook: `${base}/api/webhooks/1170000000000000000/demo` }),
  telegram: (base) => ({ token: '123456:demo-token', receivers: '-1001234567890', 'api-url': base }),
  'google-chat': (base) => ({ webhook: `${base}/v1/spaces/DEMO/messages?key=demo&token=demo` }),
  mattermost: (base) => ({ webhook: `${base}/hooks/demo` }),
  email: (_base, smtp) => ({ smtp, from: 'ci@demo.example', to: 'team@demo.example' }),
  webhook: (base) => ({ webhook: `${base}/zadig` }),
};

const received = new Map();
const note = (type, what) => received.set(type, [...(received.get(type) ?? []), what]);

const TEXT_KEYS = new Set(['title', 'text', 'content', 'msgParam']);

/** Mail headers' encoded words (=?UTF-8?Q?…?=) as text. */
const decodeWords = (header) =>
  header.replace(/\?=\s+=\?/g, '?==?').replace(/=\?UTF-8\?Q\?(.*?)\?=/gi, (_, q) =>
    Buffer.from(
      q.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (__, h) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    ).toString('utf8'),
  );

/** The first readable words of what a stand-in received: a title or the first line of text. */
function gist(body) {
  try {
    const value = JSON.parse(body);
    const found = [];
    const walk = (v, key) => {
      if (found.length >= 1) return;
      if (typeof v === 'string' && TEXT_KEYS.has(key) && v.trim()) {
        found.push(v.startsWith('{') ? gist(v) : (v.split('\n').find((l) => l.trim()) ?? v));
      } else if (v && typeof v === 'object') for (const [k, item] of Object.entries(v)) walk(item, k);
    };
    walk(value, '');
    if (found.length)
      return found[0]
        .replace(/<[^>]*>/g, '')
        .replace(/^[#*\s]+|\*+/g, '')
        .trim()
        .slice(0, 90);
    if (value.object_kind === 'workflow')
      return `Zadig payload: ${value.workflow.workflow_name} ${value.workflow.status}`;
  } catch {
    // not JSON
  }
  return body.slice(0, 90);
}

const http = createServer((request, response) => {
  const chunks = [];
  request.on('data', (c) => chunks.push(c));
  request.on('end', () => {
    const type = request.url.split('/')[1] ?? '';
    const path = request.url.slice(type.length + 1);
    const body = Buffer.concat(chunks).toString('utf8');
    // Token requests are plumbing: what matters is the message each one received.
    if (!/tenant_access_token|oauth2\/accessToken|\/gettoken/i.test(path)) {
      note(type, `${request.method} ${path.split('?')[0].replace(/\/bot[^/]+/, '/bot***')} — ${gist(body)}`);
    }
    const reply = answer(type, path);
    response.writeHead(reply.status ?? 200, { 'Content-Type': reply.json ? 'application/json' : 'text/plain' });
    response.end(reply.text);
  });
});

// Just enough SMTP for one mail.
const smtp = createTcpServer((socket) => {
  let data = false;
  let mail = '';
  socket.write('220 demo ESMTP\r\n');
  socket.on('data', (chunk) => {
    for (const line of chunk.toString('utf8').split('\r\n')) {
      if (data) {
        if (line === '.') {
          data = false;
          // A long subject is folded over several header lines: unfolded first.
          const subject = /^Subject: (.*)$/m.exec(mail.replace(/\n[ \t]+/g, ' '))?.[1];
          note('email', `SMTP — ${decodeWords(subject ?? 'a mail')}`);
          socket.write('250 queued\r\n');
        } else mail += `${line}\n`;
      } else if (/^(EHLO|HELO)/i.test(line)) socket.write('250 demo\r\n');
      else if (/^DATA/i.test(line)) {
        data = true;
        socket.write('354 go on\r\n');
      } else if (/^QUIT/i.test(line)) socket.end('221 bye\r\n');
      else if (line) socket.write('250 ok\r\n');
    }
  });
});

const listen = (server) =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
const [httpPort, smtpPort] = await Promise.all([listen(http), listen(smtp)]);

const targets = Object.entries(TARGETS).map(([type, make]) => ({
  type,
  name: type,
  ...make(`http://127.0.0.1:${httpPort}/${type}`, `smtp://127.0.0.1:${smtpPort}`),
}));
const folder = mkdtempSync(join(tmpdir(), 'workflow-notify-demo-'));
const config = join(folder, 'demo.yml');
writeFileSync(config, JSON.stringify({ targets, status: 'passed' }, null, 2));

console.log(
  `workflow-notify demo: notifying ${targets.length} stand-in targets on 127.0.0.1 about this clone's last commit\n`,
);
const code = await new Promise((resolve) => {
  const child = spawn(process.execPath, [DIST, '--config', config], {
    // A shell run: the context is this git checkout; nothing from a CI.
    env: { PATH: process.env.PATH, HOME: process.env.HOME ?? '' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('close', resolve);
});
rmSync(folder, { recursive: true, force: true });
http.close();
smtp.close();

console.log('\nWhat each stand-in received:');
for (const { type } of targets) {
  const got = received.get(type) ?? ['nothing'];
  console.log(`  ${type.padEnd(13)} ${got.join('\n                ')}`);
}
console.log('\nNext: put your own targets in a config file (see examples/) and try it with');
console.log('  node dist/index.js test --config your.yml');
process.exitCode = code ?? 1;
