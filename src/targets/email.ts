// Email over SMTP with nodemailer (loaded only when an email target sends): subject = title,
// an HTML and a text part. `smtp://` upgrades with STARTTLS when offered; `smtps://` is TLS.
import type { Outcome } from '../http.js';
import { escapeHtml } from '../message/escape.js';
import { plainText } from '../message/plain.js';
import type { Message, Tone } from '../message/index.js';
import type { BuildInput, SendDriver, SendPolicy } from './types.js';
import type { Member } from '../config/schema.js';

const COLOURS: Record<Tone, string> = { success: '#2eb886', failure: '#e01e5a', warning: '#d9a300', info: '#1d9bd1' };

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
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

/** `$<login>` entries of `to` that are not in members (named once for the run, by the caller). */
export function unknownRecipientLogins(to: readonly string[], members: Readonly<Record<string, Member>>): string[] {
  return to
    .filter((entry) => entry.startsWith('$') && entry !== '$creator' && entry !== '$committers')
    .map((entry) => entry.slice(1))
    .filter((login) => !members[login]);
}

/** `to` entries: addresses; `$creator` / `$<login>` through members; `$committers`. */
export function resolveRecipients(
  to: readonly string[],
  members: Readonly<Record<string, Member>>,
  creator: string,
  creatorEmail: string,
  committers: readonly { login: string; email: string }[] = [],
): { recipients: string[]; warnings: string[] } {
  const recipients: string[] = [];
  const warnings: string[] = [];
  for (const entry of to) {
    if (entry === '$committers') {
      // GitHub's noreply addresses take no mail.
      const emails = committers
        .map((c) => members[c.login]?.email || c.email)
        .filter((email) => email && !email.endsWith('@users.noreply.github.com'));
      if (emails.length) recipients.push(...emails);
      else warnings.push('cannot send to $committers: no committer email is known for this run');
      continue;
    }
    if (!entry.startsWith('$')) {
      recipients.push(entry);
      continue;
    }
    const login = entry === '$creator' ? creator : entry.slice(1);
    // A login missing from members is named once for the whole run, not per target.
    if (entry !== '$creator' && !members[login]) continue;
    const email = members[login]?.email || (entry === '$creator' ? creatorEmail : '');
    if (email) recipients.push(email);
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
  const href = (url: string) => (/^https?:\/\//i.test(url) ? e(url) : '');
  const commit = message.commit
    ? `<p><b>${e(t.commit)}</b>: ${e(message.commit.branch)} ${href(message.commit.url) ? `<a href="${href(message.commit.url)}">${e(message.commit.shortSha)}</a>` : e(message.commit.shortSha)} ${e(message.commit.message)}</p>`
    : '';
  const error = message.error ? `<p><b>${e(t.error)}</b>:</p><pre>${e(message.error)}</pre>` : '';
  const link = href(message.url) ? `<p><a href="${href(message.url)}">${e(t.clickForMore)}</a></p>` : '';
  if (message.body) {
    const custom = `<pre style="white-space:pre-wrap;font-family:inherit">${message.body(escapeHtml)}</pre>`;
    return `<!doctype html><html><body><h2 style="color:${COLOURS[message.tone]}">${e(message.title)}</h2>${custom}${link}</body></html>`;
  }
  return `<!doctype html><html><body><h2 style="color:${COLOURS[message.tone]}">${e(message.title)}</h2><table>${facts}</table><ul>${stages}</ul>${commit}${error}${link}</body></html>`;
}

function envelope(input: BuildInput) {
  const { target, message, payload, members, committers } = input;
  const smtp = parseSmtp(target.smtp);
  const w = payload.workflow;
  const { recipients, warnings } = resolveRecipients(
    target.to,
    members,
    w.task_creator,
    w.task_creator_email,
    committers,
  );
  const from = target.from || (smtp.user.includes('@') ? smtp.user : `workflow-notify@${smtp.host}`);
  return {
    smtp,
    from,
    recipients,
    warnings,
    subject: message.title,
    text: plainText(message),
    html: emailHtml(message),
  };
}

/** SMTP failures worth another try: connection trouble and 4xx (transient) replies. */
function retryable(error: { code?: string; responseCode?: number }): boolean {
  if (typeof error.responseCode === 'number') return error.responseCode >= 400 && error.responseCode < 500;
  return ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS'].includes(error.code ?? '');
}

export const email: SendDriver = {
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
        ...mail.text
          .trimEnd()
          .split('\n')
          .map((l) => `  ${l}`),
      ],
    };
  },
  async send(input: BuildInput, policy: SendPolicy) {
    const mail = envelope(input);
    if (mail.recipients.length === 0) {
      return {
        outcome: { ok: false, retryable: false, message: 'no recipient: set to' },
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
    const result = await withRetry(
      async (): Promise<Outcome<string>> => {
        try {
          const info = await transport.sendMail({
            from: mail.from,
            to: mail.recipients,
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
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
      },
      { retries: policy.retries, timeoutMs: policy.timeoutMs },
    );
    transport.close();
    return { outcome: result.outcome, attempts: result.attempts, warnings: mail.warnings };
  },
};
