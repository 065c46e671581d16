// Who an app messages (SPEC §10): `$creator`, `$committers`, `$<login>` through members, or what
// the user wrote. Shared by the app targets; each says which member field holds its own user id
// and what else it can look people up by, in its order of preference.
import type { Member } from '../config/schema.js';
import type { Outcome } from '../http.js';
import type { BuildInput, ReceiverResult } from './types.js';

export interface Receiver {
  /** The entry as configured (`$creator`, `ann@corp.example`, `C123`). */
  entry: string;
  kind: 'id' | 'email' | 'mobile';
  value: string;
}

export interface ReceiverStyle {
  /** The member field holding this vendor's user id. */
  field: string;
  /** What else a member can be reached by, in the vendor's order of preference. */
  by: readonly ('email' | 'mobile')[];
}

/** A receiver as a log line may show it: emails by domain, mobiles by their last four digits. */
export function shown(receiver: Pick<Receiver, 'kind' | 'value'> & { entry?: string }): string {
  const value =
    receiver.kind === 'email'
      ? `…@${receiver.value.split('@').pop() ?? ''}`
      : receiver.kind === 'mobile'
        ? `…${receiver.value.slice(-4)}`
        : receiver.value;
  return receiver.entry?.startsWith('$') ? `${receiver.entry} (${value})` : value;
}

const MOBILE = /^\+?\d{6,15}$/;
/** An address has a name before its `@` (`@channel` is a vendor's id, not an email). */
const EMAIL = /^[^@\s]+@[^@\s]+$/;

function fromMember(entry: string, member: Member, style: ReceiverStyle): Receiver | undefined {
  const own = member[style.field];
  if (own) return { entry, kind: 'id', value: own };
  for (const kind of style.by) {
    const value = member[kind];
    if (value) return { entry, kind, value };
  }
  return undefined;
}

/**
 * The receivers of `entries`, and the entries that name nobody reachable. A raw entry is an
 * email (with `@`), a mobile (6–15 digits, when the vendor looks people up by mobile), or an id.
 */
export function resolveReceivers(
  entries: readonly string[],
  input: Pick<BuildInput, 'members' | 'payload' | 'committers'>,
  style: ReceiverStyle,
): { receivers: Receiver[]; missing: { entry: string; reason: string }[] } {
  const { members } = input;
  const member = (login: string) => (Object.hasOwn(members, login) ? members[login] : undefined);
  const receivers: Receiver[] = [];
  const missing: { entry: string; reason: string }[] = [];
  const add = (entry: string, who: Member | undefined, label: string) => {
    const found = who && fromMember(entry, who, style);
    if (found) receivers.push(found);
    else missing.push({ entry, reason: `${label} has no ${[style.field, ...style.by].join(', ')} in members` });
  };
  const w = input.payload.workflow;
  for (const entry of entries) {
    if (entry === '$creator') {
      // A shell run has no CI login: the creator is found by email or name.
      const byLogin = member(w.task_creator);
      const byContact = Object.values(members).find(
        (m) => m && ((w.task_creator_email && m.email === w.task_creator_email) || m.name === w.task_creator),
      );
      const who = byLogin ?? byContact;
      if (who) add(entry, who, `the creator ${w.task_creator}`);
      else if (w.task_creator_email && style.by.includes('email'))
        receivers.push({ entry, kind: 'email', value: w.task_creator_email });
      else missing.push({ entry, reason: `the creator ${w.task_creator || '(unknown)'} is not in members` });
    } else if (entry === '$committers') {
      const committers = input.committers ?? [];
      if (committers.length === 0) missing.push({ entry, reason: 'no committer is known for this run' });
      for (const c of committers) {
        const who = member(c.login);
        if (who) add(entry, who, c.login);
        else if (c.email && style.by.includes('email') && !/@users\.noreply\.github\.com$/i.test(c.email))
          receivers.push({ entry, kind: 'email', value: c.email });
        else missing.push({ entry, reason: `committer ${c.login || c.name} is not in members` });
      }
    } else if (entry.startsWith('$')) {
      const who = member(entry.slice(1));
      // A login missing from members is warned about once for the run, and fails this receiver.
      if (who) add(entry, who, entry.slice(1));
      else missing.push({ entry, reason: `${entry.slice(1)} is not in members` });
    } else if (EMAIL.test(entry)) {
      receivers.push({ entry, kind: 'email', value: entry });
    } else if (style.by.includes('mobile') && MOBILE.test(entry)) {
      receivers.push({ entry, kind: 'mobile', value: entry });
    } else {
      receivers.push({ entry, kind: 'id', value: entry });
    }
  }
  const seen = new Set<string>();
  return {
    receivers: receivers.filter((r) => {
      const key = `${r.kind}:${r.value}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
    missing,
  };
}

/** `$<login>` entries of a receivers list (the run warns once about those not in members). */
export function receiverLogins(options: Readonly<Record<string, unknown>>): string[] {
  const receivers = Array.isArray(options.receivers) ? options.receivers.map(String) : [];
  return receivers
    .filter((entry) => entry.startsWith('$') && entry !== '$creator' && entry !== '$committers')
    .map((entry) => entry.slice(1));
}

/**
 * A target's verdict from its receivers: delivered when every one got the message; otherwise
 * the receivers that did not, each with why (one reason alone when they all share it).
 */
export function receiversOutcome(results: readonly ReceiverResult[]): Outcome<string> {
  const failed = results.filter((r) => !r.ok);
  if (results.length === 0) return { ok: false, retryable: false, message: 'no receiver to send to: set receivers' };
  if (failed.length === 0) return { ok: true, value: `delivered to ${results.length}` };
  const reasons = new Set(failed.map((r) => r.error ?? 'not delivered'));
  if (failed.length === results.length && reasons.size === 1 && results.length > 1)
    return { ok: false, retryable: false, message: [...reasons][0]! };
  const named = failed.map((r) => `${r.receiver}: ${r.error ?? 'not delivered'}`).join('; ');
  return {
    ok: false,
    retryable: false,
    message:
      failed.length < results.length
        ? `${failed.length} of ${results.length} receivers did not get it: ${named}`
        : named,
  };
}
