// Generic webhook: Zadig's payload and headers (SPEC §6), HMAC-signed when a secret is set.
import { hmacSha256Hex, uuidV5Url } from '../crypto.js';
import { judgeHttp } from '../http.js';
import { plainText } from '../message/plain.js';
import { escapeJsonString } from '../message/template.js';
import { USER_AGENT } from '../version.js';
import { mergeHeaders, type HttpDriver } from './types.js';

export const webhook: HttpDriver = {
  kind: 'http',
  build({ target, payload, message, eventUuid, instance, bodyTemplate }) {
    // A `body` template replaces the payload (DCE style); `msg-key` adds the text (Cloudpods style).
    const body = bodyTemplate
      ? bodyTemplate(escapeJsonString)
      : JSON.stringify(target.msgKey ? { ...payload, [target.msgKey]: plainText(message) } : payload);
    const zadig: Record<string, string> = {
      'X-Zadig-Event': 'workflow',
      'X-Zadig-Event-UUID': eventUuid,
      'X-Zadig-Webhook-UUID': uuidV5Url(target.webhook),
      'X-Zadig-Instance': instance,
    };
    if (target.secret) {
      zadig['X-Zadig-Token'] = target.secret;
      zadig['X-Zadig-Signature-256'] = `sha256=${hmacSha256Hex(target.secret, body)}`;
    }
    const headers = mergeHeaders(
      { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT },
      target.headers,
      zadig,
    );
    return { requests: [{ method: target.method, url: target.webhook, headers, body }], warnings: [] };
  },
  check: judgeHttp,
};
