// WeCom group robot: markdown with <@userid> mentions; a second text message carries
// mentioned_mobile_list / @all, which markdown cannot.
import type { Message, Tone } from '../message/index.js';
import { bodyLines, details, markdownDialect } from '../message/markdown.js';
import { utf8Bytes, truncateTo } from '../message/truncate.js';
import { escapeChatMarkdown } from './chat-markdown.js';
import { JSON_HEADERS, judgeCode, option, type HttpDriver, type TargetMeta, withCode } from './types.js';

export const WECOM_MARKDOWN_LIMIT = 4096;
export const WECOM_TEXT_LIMIT = 2048;
const COLOURS: Record<Tone, string> = { success: 'info', failure: 'warning', warning: 'comment', info: 'comment' };

/**
 * WeCom markdown: a coloured heading, the details, the link and `<@id>` mentions. `limit` is on
 * the content, in bytes; the heading, link and mentions are kept whole and the details cut.
 */
export function wecomMarkdown(message: Message, limit: number, mentionIds: readonly string[] = []): string {
  const d = markdownDialect(escapeChatMarkdown, '> ');
  const heading = `### <font color="${COLOURS[message.tone]}">${escapeChatMarkdown(message.title)}</font>`;
  const link = message.url ? d.link(message.texts.clickForMore, message.url) : '';
  const atIds = mentionIds.map((id) => `<@${id}>`).join(' ');
  const fixed = [heading, '', link, atIds].filter(Boolean).join('\n');
  const text = details(message, escapeChatMarkdown, () => bodyLines(message, d).join('\n'));
  const cut = truncateTo(text, limit - utf8Bytes(fixed) - 1, message.texts.truncated, utf8Bytes);
  return [heading, cut, link, atIds].filter(Boolean).join('\n');
}

export const wecomDeclaration: TargetMeta = {
  type: 'wecom',
  summary: 'WeCom group robot (webhook)',
  fields: {
    webhook: {
      kind: 'url',
      secret: true,
      required: true,
      description: 'The robot address, https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=… (a credential).',
    },
  },
  mentions: { field: 'wecom', by: ['mobile'] },
};

export const wecom: HttpDriver = /* @__PURE__ */ withCode<HttpDriver>(wecomDeclaration, {
  kind: 'http',
  build({ target, message }) {
    const webhook = option(target, 'webhook');
    const { mentions } = message;
    const warnings = [
      ...mentions.unresolved.map((who) => `cannot mention ${who}: the member has no wecom id, mobile or email`),
      ...mentions.emails.map((email) => `cannot mention ${email}: WeCom mentions by user id or mobile`),
    ];
    const content = wecomMarkdown(message, WECOM_MARKDOWN_LIMIT, mentions.ids);
    const requests = [
      {
        method: 'POST',
        url: webhook,
        headers: { ...JSON_HEADERS },
        body: JSON.stringify({ msgtype: 'markdown', markdown: { content } }),
      },
    ];
    if (mentions.all || mentions.mobiles.length > 0) {
      const text = truncateTo(message.title, WECOM_TEXT_LIMIT, message.texts.truncated, utf8Bytes);
      requests.push({
        method: 'POST',
        url: webhook,
        headers: { ...JSON_HEADERS },
        body: JSON.stringify({
          msgtype: 'text',
          text: {
            content: text,
            mentioned_list: mentions.all ? ['@all'] : [],
            mentioned_mobile_list: mentions.mobiles,
          },
        }),
      });
    }
    return { requests, warnings };
  },
  check(response) {
    return judgeCode(response, 'WeCom', 'errcode', 'errmsg', [45009], (code) => {
      if (code === 93000) return 'the key in the webhook address is wrong, or the robot was removed';
      if (code === 45009) return 'rate limited (20 messages a minute)';
      if (code === 40058 || code === 44004) return 'the message was refused as malformed';
      return undefined;
    });
  },
});
