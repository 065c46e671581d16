// Loopback stand-ins for where CI logs live: GitHub's /actions/jobs/:id/logs, which answers 302 to
// a pre-signed address on a second server (log storage, which refuses any Authorization header as
// Azure storage does, and records it), and GitLab's /projects/:id/jobs/:id/trace.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LogRequest {
  url: string;
  headers: IncomingHttpHeaders;
}

export interface LogReply {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface LogServer {
  url: string;
  requests: LogRequest[];
  /** The most requests that were waiting for an answer at one time. */
  maxInFlight: number;
  close(): Promise<void>;
}

/**
 * A server answering with `reply`; with `gate`, answers are held until that many requests wait
 * (or a second has passed), so a test can see whether reads run concurrently.
 */
export async function startLogServer(
  reply: (request: LogRequest, server: LogServer) => LogReply,
  gate = 0,
): Promise<LogServer> {
  const held: (() => void)[] = [];
  let inFlight = 0;
  const server = createServer((req, res) => {
    const request = { url: req.url ?? '', headers: req.headers };
    self.requests.push(request);
    inFlight++;
    self.maxInFlight = Math.max(self.maxInFlight, inFlight);
    const answer = () => {
      inFlight--;
      const { status = 200, body = '', headers = {} } = reply(request, self);
      res.writeHead(status, {
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': String(Buffer.byteLength(body)),
        ...headers,
      });
      res.end(body);
    };
    if (gate <= 1) return answer();
    held.push(answer);
    const release = () => held.splice(0).forEach((send) => send());
    if (held.length >= gate) release();
    else setTimeout(release, 1000).unref();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const self: LogServer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: [],
    maxInFlight: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return self;
}

const GITHUB_ERRORS: Record<number, string> = {
  403: 'Resource not accessible by integration',
  404: 'Not Found',
  410: 'Gone',
};

export interface GitHubLogs {
  api: LogServer;
  storage: LogServer;
  /** Requests that reached log storage carrying an Authorization header (must stay empty). */
  leaks: LogRequest[];
  close(): Promise<void>;
}

/**
 * GitHub's job logs for acme/shop: `logs[id]` is the log text (served through the redirect) or a
 * reply the API gives instead (an error status, a redirect of its own).
 */
export async function startGitHubLogs(options: {
  token: string;
  logs: Record<string, string | LogReply>;
  gate?: number;
}): Promise<GitHubLogs> {
  const leaks: LogRequest[] = [];
  const storage = await startLogServer((request) => {
    if (request.headers.authorization !== undefined) {
      leaks.push(request);
      return { status: 400, body: '<Error><Code>InvalidAuthenticationInfo</Code></Error>' };
    }
    const url = new URL(request.url, 'http://storage');
    const id = /^\/logs\/(\d+)\.txt$/.exec(url.pathname)?.[1] ?? '';
    const log = options.logs[id];
    if (url.searchParams.get('sig') !== 'c2lnbmF0dXJl' || typeof log !== 'string') {
      return { status: 403, body: '<Error><Code>AuthenticationFailed</Code></Error>' };
    }
    return { body: log };
  });
  const api = await startLogServer((request) => {
    if (request.headers.authorization !== `Bearer ${options.token}`) {
      return { status: 401, body: JSON.stringify({ message: 'Bad credentials', status: '401' }) };
    }
    const id = /^\/repos\/acme\/shop\/actions\/jobs\/(\d+)\/logs$/.exec(request.url)?.[1] ?? '';
    const log = options.logs[id];
    if (log === undefined) return { status: 404, body: JSON.stringify({ message: 'Not Found', status: '404' }) };
    if (typeof log !== 'string') {
      const status = log.status ?? 200;
      return { body: JSON.stringify({ message: GITHUB_ERRORS[status] ?? 'Error', status: String(status) }), ...log };
    }
    const location = `${storage.url}/logs/${id}.txt?sv=2021-08-06&se=2026-11-20T08%3A10%3A00Z&sp=r&sig=c2lnbmF0dXJl`;
    return { status: 302, headers: { Location: location } };
  }, options.gate);
  return {
    api,
    storage,
    leaks,
    close: async () => {
      await Promise.all([api.close(), storage.close()]);
    },
  };
}

/** GitLab's job traces for project 4711: `traces[id]` is the trace text or the reply given instead. */
export async function startGitLabTraces(options: {
  token: string;
  traces: Record<string, string | LogReply>;
}): Promise<LogServer> {
  return startLogServer((request) => {
    if (request.headers['private-token'] !== options.token) {
      return { status: 401, body: JSON.stringify({ message: '401 Unauthorized' }) };
    }
    const id = /^\/api\/v4\/projects\/4711\/jobs\/(\d+)\/trace$/.exec(request.url)?.[1] ?? '';
    const trace = options.traces[id];
    if (trace === undefined) return { status: 404, body: JSON.stringify({ message: '404 Not found' }) };
    return typeof trace === 'string' ? { body: trace } : trace;
  });
}

/** A GitHub job log: each line stamped as GitHub does (7-digit fractions, UTF-8 BOM first). */
export function githubLog(lines: readonly (readonly [time: string, text: string])[]): string {
  return `\ufeff${lines.map(([time, text]) => `${time} ${text}`).join('\n')}\n`;
}
