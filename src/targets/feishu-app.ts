// Feishu/Lark self-built app: tenant_access_token/internal, then one im/v1/messages request per
// receiver, the card sent as a JSON string.
import type { Target } from '../config/load.js';
import type { Outcome } from '../http.js';
import { feishuCard, feishuDetails, larkMentions } from './feishu-card.js';
import { JSON_HEADERS, fitBody, judgeCode, option, optionList, parseBody, type HttpDriver } from './types.js';

export const RECEIVE_ID_TYPES = ['chat_id', 'open_id', 'user_id', 'union_id', 'email'] as const;

export const FEISHU_APP_CARD_LIMIT = 30_000;
const RATE_LIMITED = [99991400, 230020, 11232];

/** SPEC §9.4: `feishu`, `lark`, or a base URL (without /open-apis). */
export function feishuBase(domain: string): string {
  if (domain === 'feishu') return 'https://open.feishu.cn';
  if (domain === 'lark') return 'https://open.larksuite.com';
  return domain.replace(/\/+$/, '').replace(/\/open-apis$/, '');
}

/** A receiver with an optional type prefix: `email:ann@x.com`, `chat_id:oc_…`. */
export function parseReceiver(receiver: string, fallback: string): { type: string; id: string } {
  const colon = receiver.indexOf(':');
  const prefix = colon > 0 ? receiver.slice(0, colon) : '';
  return (RECEIVE_ID_TYPES as readonly string[]).includes(prefix)
    ? { type: prefix, id: receiver.slice(colon + 1) }
    : { type: fallback, id: receiver };
}

export const feishuApp: HttpDriver = {
  kind: 'http',
  type: 'feishu-app',
  summary: 'Feishu/Lark self-built app: messages to chats and people',
  fields: {
    'app-id': { kind: 'text', required: true, description: 'The app id (cli_…).' },
    'app-secret': { kind: 'text', secret: true, required: true, description: 'The app secret (a credential).' },
    'receive-id-type': {
      kind: 'choice',
      values: RECEIVE_ID_TYPES,
      default: 'chat_id',
      description: 'The type of the receivers; a prefix (email:, chat_id:, open_id:) on a receiver overrides it.',
    },
    receivers: {
      kind: 'list',
      required: true,
      description: 'Chats and people to message: ids, with an optional type prefix.',
    },
    domain: {
      kind: 'text',
      default: 'feishu',
      description: 'feishu, lark, or a base URL (without /open-apis).',
    },
  },
  mentions: { field: 'feishu', by: ['email'] },
  auth: {
    key: (target: Target) => `${feishuBase(option(target, 'domain'))}|${option(target, 'app-id')}`,
    request: (target: Target) => ({
      method: 'POST',
      url: `${feishuBase(option(target, 'domain'))}/open-apis/auth/v3/tenant_access_token/internal`,
      headers: { ...JSON_HEADERS },
      body: JSON.stringify({ app_id: option(target, 'app-id'), app_secret: option(target, 'app-secret') }),
    }),
    read(response): Outcome<string> {
      const judged = judgeCode(response, 'Feishu app authentication', 'code', 'msg', RATE_LIMITED, (code) =>
        code === 10003 || code === 10014 ? 'check app-id and app-secret' : undefined,
      );
      if (!judged.ok) return judged;
      const token = parseBody(response)?.tenant_access_token;
      return typeof token === 'string' && token
        ? { ok: true, value: token }
        : { ok: false, retryable: false, message: 'Feishu app authentication answered without a tenant_access_token' };
    },
  },
  build({ target, message, token }) {
    const mentions = larkMentions(message.mentions);
    // The limit is on the card itself, which travels as a JSON string.
    const card = fitBody(
      (details) => feishuCard(message, details, mentions.text),
      feishuDetails(message),
      FEISHU_APP_CARD_LIMIT,
      message.texts.truncated,
    );
    const content = JSON.stringify(card);
    const base = feishuBase(option(target, 'domain'));
    const requests = optionList(target, 'receivers').map((receiver) => {
      const { type, id } = parseReceiver(receiver, option(target, 'receive-id-type'));
      return {
        method: 'POST',
        url: `${base}/open-apis/im/v1/messages?receive_id_type=${encodeURIComponent(type)}`,
        headers: { ...JSON_HEADERS, Authorization: `Bearer ${token ?? '<tenant_access_token>'}` },
        body: JSON.stringify({ receive_id: id, msg_type: 'interactive', content }),
      };
    });
    return { requests, warnings: mentions.warnings };
  },
  check(response) {
    return judgeCode(response, 'Feishu', 'code', 'msg', RATE_LIMITED, (code) => {
      if (code === 230002) return 'add the app (bot) to the chat';
      if (code === 99991663 || code === 99991661)
        return 'the tenant access token was refused; check app-id and app-secret';
      if (code === 230001) return 'check receivers and receive-id-type';
      if (code === 99991672) return 'give the app the im:message:send_as_bot permission';
      return undefined;
    });
  },
};
