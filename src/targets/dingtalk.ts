// DingTalk custom robot: actionCard with a details button; markdown with `at` when mentioning.
// Signing: &timestamp=<ms>&sign=urlencode(base64(HMAC-SHA256(secret, ts + "\n" + secret))).
import { hmacSha256Base64 } from '../crypto.js';
import { bodyLines, botKeyword, details, ensureKeyword, markdownDialect } from '../message/markdown.js';
import { escapeChatMarkdown } from './chat-markdown.js';
import { JSON_HEADERS, fitBody, judgeCode, option, type HttpDriver, type TargetMeta, withCode } from './types.js';

export const DINGTALK_LIMIT = 20_000;
const RATE_LIMITED = [130101];

export function signDingTalk(url: string, secret: string, nowMs: number): string {
  const sign = hmacSha256Base64(secret, `${nowMs}\n${secret}`);
  const signed = new URL(url);
  signed.searchParams.set('timestamp', String(nowMs));
  signed.searchParams.set('sign', sign);
  return signed.toString();
}

export const dingtalkDeclaration: TargetMeta = {
  type: 'dingtalk',
  summary: 'DingTalk group robot (webhook)',
  fields: {
    webhook: {
      kind: 'url',
      secret: true,
      required: true,
      description: 'The robot address, https://oapi.dingtalk.com/robot/send?access_token=… (a credential).',
    },
    secret: { kind: 'text', secret: true, description: "The robot's signing secret (SEC…), when signing is on." },
    keyword: { kind: 'text', description: "A word the robot's keyword security needs (default Workflow / 工作流)." },
  },
  mentions: { field: 'dingtalk', by: ['mobile'] },
};

export const dingtalk: HttpDriver = /* @__PURE__ */ withCode<HttpDriver>(dingtalkDeclaration, {
  kind: 'http',
  build({ target, message, now }) {
    const d = markdownDialect(escapeChatMarkdown);
    const { mentions } = message;
    const keyword = option(target, 'keyword');
    const warnings = [
      ...mentions.unresolved.map((who) => `cannot mention ${who}: the member has no dingtalk id, mobile or email`),
      ...mentions.emails.map((email) => `cannot mention ${email}: DingTalk mentions by mobile or user id`),
    ];
    const mentioning = mentions.all || mentions.mobiles.length > 0 || mentions.ids.length > 0;
    const atLine = [...mentions.mobiles, ...mentions.ids].map((who) => `@${who}`).join(' ');
    const link = message.url ? d.link(message.texts.clickForMore, message.url) : '';
    const heading = `### ${escapeChatMarkdown(message.title)}`;
    const text = details(message, escapeChatMarkdown, () => bodyLines(message, d).join('\n\n'));
    // The keyword and the @ line stay outside the part that may be cut.
    const tail = (text: string) =>
      ensureKeyword(
        [heading, text, mentioning ? link : '', atLine].filter(Boolean).join('\n\n'),
        botKeyword(keyword, message),
      );
    const body = fitBody(
      (text) =>
        mentioning || !message.url
          ? {
              msgtype: 'markdown',
              markdown: { title: message.title, text: tail(text) },
              at: { atMobiles: mentions.mobiles, atUserIds: mentions.ids, isAtAll: mentions.all },
            }
          : {
              msgtype: 'actionCard',
              actionCard: {
                title: message.title,
                text: tail(text),
                btnOrientation: '0',
                singleTitle: message.texts.clickForMore,
                singleURL: message.url,
              },
            },
      text,
      DINGTALK_LIMIT,
      message.texts.truncated,
    );
    const secret = option(target, 'secret');
    const url = secret ? signDingTalk(option(target, 'webhook'), secret, now) : option(target, 'webhook');
    return { requests: [{ method: 'POST', url, headers: { ...JSON_HEADERS }, body: JSON.stringify(body) }], warnings };
  },
  check(response, { target, message }) {
    const judged = judgeCode(response, 'DingTalk', 'errcode', 'errmsg', RATE_LIMITED, (code, text) => {
      if (code === 310000 && /keyword/i.test(text)) {
        return `add "${botKeyword(option(target, 'keyword'), message)}" to the robot's keywords or set keyword`;
      }
      if (code === 310000 && /sign/i.test(text)) return "set secret to the robot's signing secret (SEC…)";
      if (code === 310000 && /ip/i.test(text))
        return "add the runner's IP address to the robot's allow-list, or remove the allow-list";
      if (code === 300001 || code === 400101 || /token/i.test(text))
        return 'the access_token in the webhook address is wrong';
      if (code === 130101) return 'rate limited: 20 messages a minute per robot';
      return undefined;
    });
    // The robot's limit is per minute: retried only when the next minute fits the budget.
    if (!judged.ok && judged.code === '130101') {
      return { ...judged, retryable: true, retryAfterMs: 60_000, waitAtLeast: true };
    }
    return judged;
  },
});
