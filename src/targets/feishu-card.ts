// The Feishu/Lark interactive card, shared by the group bot and the self-built app.
import type { Message, Tone } from '../message/index.js';
import { bodyLines, details, ensureKeyword, markdownDialect, safeUrl } from '../message/markdown.js';
import type { Mentions } from '../message/mentions.js';

/** Feishu lark_md: HTML entities for markup characters (`<at id=all>` becomes text). */
export function escapeLarkMd(text: string): string {
  return text.replace(/[&<>*_~`[\]#]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const HEADER_COLOURS: Record<Tone, string> = { success: 'green', failure: 'red', warning: 'orange', info: 'blue' };

export function larkMentions(mentions: Mentions): { text: string; warnings: string[] } {
  const tags = [
    ...(mentions.all ? ['<at id=all></at>'] : []),
    ...mentions.ids.map((id) => `<at id=${id}></at>`),
    ...mentions.emails.map((email) => `<at email=${email}></at>`),
  ];
  const warnings = [
    ...mentions.unresolved.map((who) => `cannot mention ${who}: the member has no feishu id or email`),
    ...mentions.mobiles.map((mobile) => `cannot mention ${mobile}: Feishu mentions by user id or email, not by mobile`),
  ];
  return { text: tags.join(' '), warnings };
}

/**
 * The card with `details` as its markdown part (the part a size limit may cut). `keyword`: the
 * group bot's keyword security word, added unless the title already holds it.
 */
export function feishuCard(
  message: Message,
  details: string,
  mentionText: string,
  keyword?: string,
): Record<string, unknown> {
  const content = ensureKeyword(
    [details, mentionText].filter(Boolean).join('\n'),
    keyword && !message.title.includes(keyword) ? keyword : undefined,
  );
  const elements: unknown[] = [{ tag: 'div', text: { tag: 'lark_md', content } }];
  if (safeUrl(message.url)) {
    elements.push({
      tag: 'action',
      actions: [
        {
          tag: 'button',
          text: { tag: 'plain_text', content: message.texts.clickForMore },
          type: 'primary',
          url: message.url,
        },
      ],
    });
  }
  return {
    config: { wide_screen_mode: true },
    header: { template: HEADER_COLOURS[message.tone], title: { tag: 'plain_text', content: message.title } },
    elements,
  };
}

export function feishuDetails(message: Message): string {
  return details(message, escapeLarkMd, () => bodyLines(message, markdownDialect(escapeLarkMd)).join('\n'));
}
