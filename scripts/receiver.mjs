#!/usr/bin/env node
// A loopback webhook receiver for trying workflow-notify locally: prints each request and, with
// --secret, checks X-Zadig-Signature-256 the way a receiver should (constant-time compare).
// Usage: node scripts/receiver.mjs [--port 8080] [--secret value]
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1];
};
const port = Number(option('port', '8080'));
const secret = option('secret', '');

function signatureMatches(body, header) {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(String(header ?? ''));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    console.log(`${req.method} ${req.url}`);
    for (const [name, value] of Object.entries(req.headers))
      if (name.startsWith('x-zadig')) console.log(`  ${name}: ${value}`);
    if (secret)
      console.log(`  signature: ${signatureMatches(body, req.headers['x-zadig-signature-256']) ? 'valid' : 'INVALID'}`);
    try {
      console.log(JSON.stringify(JSON.parse(body.toString('utf8')), null, 2));
    } catch {
      console.log(body.toString('utf8'));
    }
    res.writeHead(secret && !signatureMatches(body, req.headers['x-zadig-signature-256']) ? 401 : 200);
    res.end('ok');
  });
}).listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}`));
