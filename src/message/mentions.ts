// SPEC §9.3: `all`; `$creator` / `$<login>` → a member; 6–15 digits (optional +) → a mobile, for
// the vendors that mention by mobile; with `@` → an email; anything else → the vendor's user id.
// A member's own vendor id wins, then the contact the vendor mentions by.
import type { Member } from '../config/schema.js';

export interface Mentions {
  all: boolean;
  mobiles: string[];
  emails: string[];
  ids: string[];
  /** Members without an id, mobile or email this vendor can use. */
  unresolved: string[];
  /** `$<login>` entries (and `$creator`) that are not in members: warned about once per run. */
  unknown: string[];
}

/** How a vendor mentions, declared by its target. */
export interface MentionStyle {
  /** The member field holding this vendor's user id. */
  field: string;
  /** What else it mentions by, in the vendor's order of preference (digits are an id otherwise). */
  by: readonly ('email' | 'mobile')[];
}

export const NO_MENTIONS: Mentions = { all: false, mobiles: [], emails: [], ids: [], unresolved: [], unknown: [] };

const MOBILE = /^\+?\d{6,15}$/;

function classify(value: string, into: Mentions, style: MentionStyle | undefined): void {
  if (style?.by.includes('mobile') && MOBILE.test(value)) into.mobiles.push(value);
  else if (value.includes('@')) into.emails.push(value);
  else into.ids.push(value);
}

export function resolveMentions(
  at: readonly string[],
  style: MentionStyle | undefined,
  members: Readonly<Record<string, Member>>,
  creator: string,
): Mentions {
  const mentions: Mentions = { all: false, mobiles: [], emails: [], ids: [], unresolved: [], unknown: [] };
  for (const entry of at) {
    if (entry.toLowerCase() === 'all') {
      mentions.all = true;
      continue;
    }
    if (!entry.startsWith('$')) {
      classify(entry, mentions, style);
      continue;
    }
    const login = entry === '$creator' ? creator : entry.slice(1);
    const member = Object.hasOwn(members, login) ? members[login] : undefined;
    if (!member) {
      mentions.unknown.push(login || entry);
      continue;
    }
    const own = style ? member[style.field] : undefined;
    const contact = style?.by.find((kind) => member[kind]);
    if (own) mentions.ids.push(own);
    else if (contact === 'mobile' && member.mobile) mentions.mobiles.push(member.mobile);
    else if (contact === 'email' && member.email) mentions.emails.push(member.email);
    else mentions.unresolved.push(entry === '$creator' ? `$creator (${login})` : entry);
  }
  const unique = (list: string[]) => [...new Set(list)];
  return {
    all: mentions.all,
    mobiles: unique(mentions.mobiles),
    emails: unique(mentions.emails),
    ids: unique(mentions.ids),
    unresolved: unique(mentions.unresolved),
    unknown: unique(mentions.unknown),
  };
}
