// Email over SMTP with nodemailer (loaded only when an email target sends): subject = title,
// an HTML and a text part. `smtp://` upgrades with STARTTLS when offered; `smtps://` is TLS.
import type { Outcome } from '../http.js';
import { escapeHtml } from '../message/escape.js';
import { plainText } from '../message/plain.js';
import type { Message, Tone } from '../message/index.js';
import { uuidV5Url } from '../crypto.js';
import {
  option,
  optionList,
  type BuildInput,
  type SendDriver,
  type SendTools,
  type TargetMeta,
  withCode,
} from './types.js';
import type { Member } from '../config/schema.js';

/** One mailbox: no list, no display name, nothing a header could be split on. */
const ONE_ADDRESS = /^[^\s@,;<>"'()]+@[^\s@,;<>"'()]+\.[^\s@,;<>"'()]+$/;
/** GitHub's private commit addresses take no mail. */
const NO_MAIL = /@users\.noreply\.github\.com$/i;

const COLOURS: Record<Tone, string> = { success: '#2eb886', failure: '#e01e5a', warning: '#d9a300', info: '#1d9bd1' };

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
}

/** What is wrong with an SMTP address, in one sentence: user and password must be URL-encoded. */
const ENCODE = 'write %, #, ?, / and @ in the user or password as %25, %23, %3F, %2F and %40';

function smtpProblem(value: string): string | undefined {
  const url = new URL(value);
  if (url.search || url.hash || (url.pathname && url.pathname !== '/')) {
    return `expected smtp://user:password@host:port; the address has a path, ? or #: ${ENCODE}`;
  }
  return undefined;
}

export function parseSmtp(address: string): SmtpSettings {
  const url = new URL(address);
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port) || (secure ? 465 : 587),
    secure,
    user: decodeURIComponent(url.username),
    pass: decodeURIComponent(url.password),
  };
}

/** `to` entries: addresses; `$creator` / `$<login>` through members; `$committers`. */
export function resolveRecipients(
  to: readonly string[],
  members: Readonly<Record<string, Member>>,
  creator: string,
  creatorEmail: string,
  committers: readonly { login: string; name?: string; email: string }[] = [],
): { recipients: string[]; warnings: string[] } {
  const recipients: string[] = [];
  const warnings: string[] = [];
  const member = (login: string) => (Object.hasOwn(members, login) ? members[login] : undefined);
  const add = (address: string, who: string) => {
    const email = address.trim();
    if (NO_MAIL.test(email))
      warnings.push(`not sending to ${who}: ${email.replace(/^.*@/, '…@')} is a private GitHub address`);
    else if (!ONE_ADDRESS.test(email)) warnings.push(`not sending to ${who}: "${email}" is not one email address`);
    else recipients.push(email);
  };
  for (const entry of to) {
    if (entry === '$committers') {
      const emails = committers.map((c) => ({
        email: member(c.login)?.email || c.email,
        who: c.login || c.name || 'unknown',
      }));
      for (const { email, who } of emails) if (email) add(email, `committer ${who}`);
      if (!emails.some((e) => e.email))
        warnings.push('cannot send to $committers: no committer email is known for this run');
      continue;
    }
    if (!entry.startsWith('$')) {
      add(entry, entry);
      continue;
    }
    const login = entry === '$creator' ? creator : entry.slice(1);
    // A login missing from members is named once for the whole run, not per target.
    if (entry !== '$creator' && !member(login)) continue;
    const email = member(login)?.email || (entry === '$creator' ? creatorEmail : '');
    if (email) add(email, entry);
    else
      warnings.push(
        `cannot send to ${entry}${entry === '$creator' ? ` (${login || 'unknown'})` : ''}: no email known for it`,
      );
  }
  return { recipients: [...new Set(recipients)], warnings };
}

export function emailHtml(message: Message): string {
  const e = escapeHtml;
  const t = message.texts;
  const facts = message.facts.map((f) => `<tr><th align="left">${e(f.label)}</th><td>${e(f.value)}</td></tr>`).join('');
  const stages = message.stages
    .map(
      (s) =>
        `<li>${s.icon} <b>${e(s.name)}</b>: ${e(s.statusText)}${s.jobs.length ? `<ul>${s.jobs.map((j) => `<li>${j.icon} ${e(j.name)}: ${e(j.statusText)}</li>`).join('')}</ul>` : ''}</li>`,
    )
    .join('');
  const notes = message.notes.map((note) => `<p>ℹ️ ${e(note)}</p>`).join('');
  const href = (url: string) => (/^https?:\/\//i.test(url) ? e(url) : '');
  const commit = message.commit
    ? `<p><b>${e(t.commit)}</b>: ${e(message.commit.branch)} ${href(message.commit.url) ? `<a href="${href(message.commit.url)}">${e(message.commit.shortSha)}</a>` : e(message.commit.shortSha)} ${e(message.commit.message)}</p>`
    : '';
  const error = [
    message.error ? `<p><b>${e(t.error)}</b>:</p><pre>${e(message.error)}</pre>` : '',
    ...message.logs.map(
      (log) => `<p><b>${e(t.logOf(log.job, log.step))}</b>:</p><pre>${e(log.lines.join('\n'))}</pre>`,
    ),
  ].join('');
  const link = href(message.url) ? `<p><a href="${href(message.url)}">${e(t.clickForMore)}</a></p>` : '';
  if (message.body) {
    const custom = `<pre style="white-space:pre-wrap;font-family:inherit">${message.body(escapeHtml)}</pre>`;
    return `<!doctype html><html><body><h2 style="color:${COLOURS[message.tone]}">${e(message.title)}</h2>${custom}${link}</body></html>`;
  }
  return `<!doctype html><html><body><h2 style="color:${COLOURS[message.tone]}">${e(message.title)}</h2><table>${facts}</table><ul>${stages}</ul>${notes}${commit}${error}${link}</body></html>`;
}

/**
 * One thread per run, with no state to carry (SPEC §11): the run's first mail (`created`) has the
 * root Message-ID, a name-based UUID of the run; later mails have their own and refer to the root.
 */
export function threading(input: Pick<BuildInput, 'payload' | 'eventUuid'>, host: string) {
  const w = input.payload.workflow;
  const run = `${w.detail_url}#${w.task_id}`;
  const root = `<${uuidV5Url(run)}@${host}>`;
  if (w.status === 'created') return { messageId: root };
  return {
    messageId: `<${uuidV5Url(`${run}#${w.status}#${input.eventUuid}`)}@${host}>`,
    inReplyTo: root,
    references: root,
  };
}

function envelope(input: BuildInput) {
  const { target, message, payload, members, committers } = input;
  const smtp = parseSmtp(option(target, 'smtp'));
  const w = payload.workflow;
  const { recipients, warnings } = resolveRecipients(
    optionList(target, 'to'),
    members,
    w.task_creator,
    w.task_creator_email,
    committers,
  );
  const from = option(target, 'from') || (smtp.user.includes('@') ? smtp.user : `workflow-notify@${smtp.host}`);
  return {
    smtp,
    from,
    recipients,
    warnings,
    subject: message.title,
    text: plainText(message),
    html: emailHtml(message),
    thread: threading(input, 'workflow-notify'),
  };
}

/** SMTP failures worth another try: connection trouble and 4xx (transient) replies. */
function retryable(error: { code?: string; responseCode?: number }): boolean {
  if (typeof error.responseCode === 'number') return error.responseCode >= 400 && error.responseCode < 500;
  return ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS'].includes(error.code ?? '');
}

export const emailDeclaration: TargetMeta = {
  type: 'email',
  summary: 'Email over SMTP (STARTTLS when offered)',
  fields: {
    smtp: {
      kind: 'url',
      protocols: ['smtp:', 'smtps:'],
      hint: `smtp://user:password@host:port; ${ENCODE}`,
      check: smtpProblem,
      secret: true,
      required: true,
      description: 'smtp://user:password@host:port (STARTTLS when offered) or smtps://… (a credential).',
    },
    from: { kind: 'text', description: 'The sender address (default: the SMTP user, when it is an address).' },
    to: { kind: 'list', required: true, description: 'Addresses, $creator, $<login>, $committers.' },
  },
  logins(options) {
    const to = Array.isArray(options.to) ? options.to.map(String) : [];
    return to
      .filter((entry) => entry.startsWith('$') && entry !== '$creator' && entry !== '$committers')
      .map((entry) => entry.slice(1));
  },
};

export const email: SendDriver = /* @__PURE__ */ withCode<SendDriver>(emailDeclaration, {
  kind: 'send',
  preview(input) {
    const mail = envelope(input);
    return {
      requests: [],
      warnings: mail.warnings,
      lines: [
        `SMTP ${mail.smtp.secure ? 'smtps' : 'smtp'}://${mail.smtp.host}:${mail.smtp.port}`,
        `From: ${mail.from}`,
        `To: ${mail.recipients.join(', ')}`,
        `Subject: ${mail.subject}`,
        `Message-ID: ${mail.thread.messageId}`,
        ...(mail.thread.inReplyTo ? [`In-Reply-To: ${mail.thread.inReplyTo}`] : []),
        ...mail.text
          .trimEnd()
          .split('\n')
          .map((l) => `  ${l}`),
      ],
    };
  },
  async send(input: BuildInput, { policy }: SendTools) {
    const mail = envelope(input);
    if (mail.recipients.length === 0) {
      return {
        outcome: {
          ok: false,
          retryable: false,
          message: 'no recipient left to send to (see the warnings): set to, or members emails',
        },
        attempts: 0,
        warnings: mail.warnings,
      };
    }
    const { default: nodemailer } = await import('nodemailer');
    const transport = nodemailer.createTransport({
      host: mail.smtp.host,
      port: mail.smtp.port,
      secure: mail.smtp.secure,
      auth: mail.smtp.user ? { user: mail.smtp.user, pass: mail.smtp.pass } : undefined,
      connectionTimeout: policy.timeoutMs,
      greetingTimeout: policy.timeoutMs,
      socketTimeout: policy.timeoutMs,
    });
    const { withRetry } = await import('../http.js');
    const result = await withRetry(async (): Promise<Outcome<string>> => {
      try {
        const info = await transport.sendMail({
          from: mail.from,
          to: mail.recipients,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          ...mail.thread,
        });
        const accepted = (info.accepted as unknown[]).map(String);
        const rejected = (info.rejected as unknown[]).map(String);
        if (rejected.length) mail.warnings.push(`the server refused ${rejected.join(', ')}`);
        return accepted.length
          ? { ok: true, value: `accepted ${accepted.length}` }
          : { ok: false, retryable: false, message: 'the server accepted no recipient' };
      } catch (error) {
        const e = error as { code?: string; responseCode?: number; response?: string; message: string };
        const detail = e.response ?? e.message;
        const fix = e.code === 'EAUTH' ? ': check the user and password in smtp' : '';
        return {
          ok: false,
          retryable: retryable(e),
          message: `SMTP ${e.code ?? 'error'}${e.responseCode ? ` ${e.responseCode}` : ''}: ${detail}${fix}`,
        };
      }
    }, policy);
    transport.close();
    return { outcome: result.outcome, attempts: result.attempts, warnings: mail.warnings };
  },
});
