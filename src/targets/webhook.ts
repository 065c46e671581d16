// Generic webhook: Zadig's payload and headers (SPEC §6), HMAC-signed when a key is set.
// `secret` travels as X-Zadig-Token and keys the signature; `signing-secret` keys the signature
// without ever travelling in a request.
import { hmacSha256Hex, uuidV5Url } from '../crypto.js';
import { judgeHttp } from '../http.js';
import { plainText } from '../message/plain.js';
import { escapeJsonString } from '../message/template.js';
import { USER_AGENT } from '../version.js';
import { mergeHeaders, option, type HttpDriver, type TargetMeta, withCode } from './types.js';

export const webhookDeclaration: TargetMeta = {
  type: 'webhook',
  summary: "Any HTTP endpoint: Zadig's workflow payload, or a body of your own",
  fields: {
    webhook: { kind: 'url', secret: true, required: true, description: 'The address to send to (a credential).' },
    secret: {
      kind: 'text',
      secret: true,
      description: 'Sent as X-Zadig-Token; also the key of X-Zadig-Signature-256 unless signing-secret is set.',
    },
    'signing-secret': {
      kind: 'text',
      secret: true,
      description: 'The key of X-Zadig-Signature-256; it never travels in a request.',
    },
    method: { kind: 'choice', values: ['POST', 'PUT', 'PATCH'], default: 'POST', description: 'The HTTP method.' },
    headers: { kind: 'headers', description: 'Extra headers (their values are treated as credentials).' },
    body: {
      kind: 'text',
      description: 'A Handlebars template of a JSON body replacing the Zadig payload ({{x}} is JSON-string escaped).',
    },
    'msg-key': { kind: 'text', description: 'Also put the rendered text message under this key of the payload.' },
  },
};

export const webhook: HttpDriver = /* @__PURE__ */ withCode<HttpDriver>(webhookDeclaration, {
  kind: 'http',
  build({ target, payload, message, eventUuid, instance, bodyTemplate, test }) {
    // A `body` template replaces the payload (DCE style); `msg-key` adds the text (Cloudpods style).
    const msgKey = option(target, 'msg-key');
    const body = bodyTemplate
      ? bodyTemplate(escapeJsonString)
      : JSON.stringify(msgKey ? { ...payload, [msgKey]: plainText(message) } : payload);
    const address = option(target, 'webhook');
    const zadig: Record<string, string> = {
      'X-Zadig-Event': 'workflow',
      'X-Zadig-Event-UUID': eventUuid,
      'X-Zadig-Webhook-UUID': uuidV5Url(address),
      'X-Zadig-Instance': instance,
    };
    const secret = option(target, 'secret');
    const signingKey = option(target, 'signing-secret') || secret;
    if (secret) zadig['X-Zadig-Token'] = secret;
    if (signingKey) zadig['X-Zadig-Signature-256'] = `sha256=${hmacSha256Hex(signingKey, body)}`;
    if (test) zadig['X-Workflow-Notify-Test'] = 'true';
    const headers = mergeHeaders(
      { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT },
      (target.options.headers ?? {}) as Record<string, string>,
      zadig,
    );
    return {
      requests: [{ method: option(target, 'method') || 'POST', url: address, headers, body }],
      warnings: [],
    };
  },
  check: judgeHttp,
});
