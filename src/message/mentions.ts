// SPEC §9.3: `all`; `$creator` / `$<login>` → a member; digits (optional +) → a mobile; with `@`
// → an email; anything else → the vendor's user id. A member's own vendor id wins.
import type { Member } from '../config/schema.js';

export type VendorField = 'feishu' | 'dingtalk' | 'wecom' | 'slack' | 'discord' | 'teams';

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

/** How a vendor mentions, declared by its driver. */
export interface MentionStyle {
  /** The member field holding this vendor's user id. */
  field: VendorField;
  /** Whether digits mean a mobile number (else a user id: Discord ids are numeric). */
  byMobile: boolean;
}

function classify(value: string, into: Mentions, mobiles: boolean): void {
  if (mobiles && /^\+?\d[\d-]{4,}$/.test(value)) into.mobiles.push(value);
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
      classify(entry, mentions, style?.byMobile ?? false);
      continue;
    }
    const login = entry === '$creator' ? creator : entry.slice(1);
    const member = members[login];
    if (!member) {
      mentions.unknown.push(login || entry);
      continue;
    }
    const own = style ? member[style.field] : undefined;
    if (own) mentions.ids.push(own);
    else if (member.mobile) mentions.mobiles.push(member.mobile);
    else if (member.email) mentions.emails.push(member.email);
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
