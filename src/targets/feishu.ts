// Feishu/Lark group bot: an interactive card. Signing: the body gets `timestamp` (seconds) and
// `sign` = base64(HMAC-SHA256(key = timestamp + "\n" + secret, message = "")).
import { hmacSha256Base64 } from '../crypto.js';
import { botKeyword } from '../message/markdown.js';
import { feishuCard, feishuDetails, larkMentions } from './feishu-card.js';
import { JSON_HEADERS, fitBody, judgeCode, option, type HttpDriver, type TargetMeta, withCode } from './types.js';

export const FEISHU_LIMIT = 20_000;

export function signFeishu(secret: string, timestampSeconds: number): string {
  return hmacSha256Base64(`${timestampSeconds}\n${secret}`, '');
}

export const feishuDeclaration: TargetMeta = {
  type: 'feishu',
  summary: 'Feishu/Lark group bot (webhook)',
  fields: {
    webhook: {
      kind: 'url',
      secret: true,
      required: true,
      description:
        'The bot address, https://open.feishu.cn/open-apis/bot/v2/hook/… (Lark: open.larksuite.com) (a credential).',
    },
    secret: { kind: 'text', secret: true, description: "The bot's signing secret, when signature verification is on." },
    keyword: { kind: 'text', description: "A word the bot's keyword security needs (default Workflow / 工作流)." },
  },
  mentions: { field: 'feishu', by: ['email'] },
};

export const feishu: HttpDriver = /* @__PURE__ */ withCode<HttpDriver>(feishuDeclaration, {
  kind: 'http',
  build({ target, message, now }) {
    const mentions = larkMentions(message.mentions);
    const seconds = Math.floor(now / 1000);
    const secret = option(target, 'secret');
    const signing = secret ? { timestamp: String(seconds), sign: signFeishu(secret, seconds) } : {};
    const body = fitBody(
      (details) => ({
        ...signing,
        msg_type: 'interactive',
        card: feishuCard(message, details, mentions.text, botKeyword(option(target, 'keyword'), message)),
      }),
      feishuDetails(message),
      FEISHU_LIMIT,
      message.texts.truncated,
    );
    return {
      requests: [
        { method: 'POST', url: option(target, 'webhook'), headers: { ...JSON_HEADERS }, body: JSON.stringify(body) },
      ],
      warnings: mentions.warnings,
    };
  },
  check(response, { target, message }) {
    // Older bots answer `StatusCode`; current ones `code`.
    const field = /"code"\s*:/.test(response.text) ? 'code' : 'StatusCode';
    return judgeCode(response, 'Feishu', field, field === 'code' ? 'msg' : 'StatusMessage', [11232], (code) => {
      if (code === 19021)
        return "set secret to the bot's signing secret, and check the runner's clock (the timestamp must be within an hour)";
      if (code === 19024)
        return `add "${botKeyword(option(target, 'keyword'), message)}" to the bot's keywords or set keyword`;
      if (code === 19022) return "add the runner's IP address to the bot's allow-list, or remove the allow-list";
      if (code === 19001) return 'the webhook address is wrong or the bot was removed';
      if (code === 11232) return 'rate limited (100 a minute, 5 a second)';
      return undefined;
    });
  },
});
