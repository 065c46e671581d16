// Google Chat incoming webhook: a short `text` (title and mentions) and a cardsV2 card with the
// details; every message of a run goes to one thread, keyed by a name-based UUID of the run.
import { uuidV5Url } from '../crypto.js';
import { judgeHttp, type HttpResponse, type Outcome } from '../http.js';
import type { Tone } from '../message/index.js';
import { commitLine, details, errorLine, safeUrl, stageLines, type Dialect } from '../message/markdown.js';
import { codePoints, jsonBytes, truncateTo } from '../message/truncate.js';
import {
  JSON_HEADERS,
  bodySize,
  option,
  parseBody,
  type BuildInput,
  type HttpDriver,
  type TargetMeta,
  withCode,
} from './types.js';

const ZWSP = '\u200b';

/** The `text` field: `<` broken so that no `<users/all>` or `<url|label>` in data is markup. */
export function escapeChatText(text: string): string {
  return text.replace(/</g, `<${ZWSP}`);
}

/** Card text is limited HTML: `<`, `>` and `&` as entities. */
export function escapeCardHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const GOOGLE_CHAT_LIMITS = { body: 32_000, text: 4096 };
const COLOURS: Record<Tone, string> = { success: '#188038', failure: '#d93025', warning: '#e37400', info: '#1a73e8' };
/** Room kept for the end tags a cut may have to close. */
const CLOSING_ROOM = 64;

const cardDialect: Dialect = {
  escape: escapeCardHtml,
  bold: (text) => `<b>${text}</b>`,
  link: (text, url) => (safeUrl(url) ? `<a href="${safeUrl(url).replace(/&/g, '&amp;')}">${text}</a>` : text),
  bullet: '',
  // Card text has no code block: the log lines in grey.
  code: (lines) => `<font color="#5f6368">${lines.map(escapeCardHtml).join('\n')}</font>`,
};

/** Card HTML cut to `max` JSON bytes: never inside a tag or an entity, open tags closed. */
export function cutCardHtml(html: string, max: number, marker: string): string {
  if (jsonBytes(html) <= max) return html;
  const tail = `\n${escapeCardHtml(marker)}`;
  const cut = truncateTo(html, Math.max(0, max - CLOSING_ROOM), '', jsonBytes)
    .replace(/\n$/, '')
    .replace(/<[^>]*$/, '');
  const open: string[] = [];
  for (const [, closing, name] of cut.matchAll(/<(\/?)([a-z]+)[^>]*>/gi)) {
    if (closing) open.pop();
    else if (name && name.toLowerCase() !== 'br') open.push(name.toLowerCase());
  }
  const closeTags = open
    .reverse()
    .map((name) => `</${name}>`)
    .join('');
  return `${cut.replace(/\s+$/, '')}${closeTags}${tail}`;
}

/** The thread of a run: every notification of one run lands in it. */
export function threadKey(input: BuildInput): string {
  const w = input.payload.workflow;
  return uuidV5Url(w.detail_url || `${input.instance}/${w.project_name}/${w.workflow_name}/${w.task_id}`);
}

function mentionTags(input: BuildInput): { tags: string[]; warnings: string[] } {
  const { mentions } = input.message;
  const ids = mentions.ids.map((id) => id.replace(/^users\//, '')).filter((id) => /^[\w-]+$/.test(id));
  const warnings = [
    ...mentions.unresolved.map((who) => `cannot mention ${who}: the member has no google-chat id`),
    ...mentions.ids
      .filter((id) => !/^(users\/)?[\w-]+$/.test(id))
      .map((id) => `cannot mention "${id}": not a Google Chat user id; left out`),
    ...[...mentions.emails, ...mentions.mobiles].map(
      (who) => `cannot mention ${who}: Google Chat mentions by user id (users/…)`,
    ),
  ];
  return { tags: [...(mentions.all ? ['<users/all>'] : []), ...ids.map((id) => `<users/${id}>`)], warnings };
}

export const googleChatDeclaration: TargetMeta = {
  type: 'google-chat',
  summary: 'Google Chat space (incoming webhook)',
  fields: {
    webhook: {
      kind: 'url',
      secret: true,
      required: true,
      description:
        'The webhook address, https://chat.googleapis.com/v1/spaces/…/messages?key=…&token=… (a credential).',
    },
  },
  mentions: { field: 'google-chat', by: [] },
};

export const googleChat: HttpDriver = /* @__PURE__ */ withCode<HttpDriver>(googleChatDeclaration, {
  kind: 'http',
  build(input) {
    const { message } = input;
    const d = cardDialect;
    const { tags, warnings } = mentionTags(input);
    const title = truncateTo(message.title, 200, '…', codePoints);
    const text = truncateTo(
      [escapeChatText(message.title), ...tags].join(' '),
      GOOGLE_CHAT_LIMITS.text,
      message.texts.truncated,
      codePoints,
    );
    const status = `<font color="${COLOURS[message.tone]}"><b>${escapeCardHtml(message.statusText)}</b></font>`;
    const more = details(message, escapeCardHtml, () =>
      [...stageLines(message, d), commitLine(message, d), errorLine(message, d)].filter(Boolean).join('\n'),
    );
    // A custom message replaces the facts too.
    const facts = (message.body ? [] : message.facts).map((fact) => ({
      decoratedText: { topLabel: fact.label, text: escapeCardHtml(fact.value), wrapText: true },
    }));
    const body = (detailsHtml: string) => {
      const sections: unknown[] = [];
      if (facts.length) sections.push({ widgets: facts });
      sections.push({ widgets: [{ textParagraph: { text: [status, detailsHtml].filter(Boolean).join('\n') } }] });
      if (safeUrl(message.url)) {
        sections.push({
          widgets: [
            {
              buttonList: {
                buttons: [{ text: message.texts.clickForMore, onClick: { openLink: { url: message.url } } }],
              },
            },
          ],
        });
      }
      return {
        text,
        thread: { threadKey: threadKey(input) },
        cardsV2: [
          {
            cardId: 'workflow-notify',
            card: { header: { title, subtitle: input.payload.workflow.project_display_name }, sections },
          },
        ],
      };
    };
    const room = GOOGLE_CHAT_LIMITS.body - bodySize(body(''));
    const url = new URL(option(input.target, 'webhook'));
    url.searchParams.set('messageReplyOption', 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
    return {
      requests: [
        {
          method: 'POST',
          url: url.toString(),
          headers: { ...JSON_HEADERS },
          body: JSON.stringify(body(cutCardHtml(more, room, message.texts.truncated))),
        },
      ],
      warnings,
    };
  },
  check(response: HttpResponse): Outcome<HttpResponse> {
    const judged = judgeHttp(response);
    const body = parseBody(response);
    if (judged.ok) {
      return typeof body?.name === 'string' && body.name.startsWith('spaces/')
        ? judged
        : {
            ok: false,
            retryable: false,
            message: `Google Chat answered without a message name: ${response.text.slice(0, 120)}`,
          };
    }
    const error = body?.error as { code?: unknown; message?: unknown; status?: unknown } | undefined;
    if (!error || typeof error !== 'object') return judged;
    const text = String(error.message ?? '');
    const hints: [RegExp, string][] = [
      [/API key not valid/i, 'the key in the webhook address is wrong'],
      [/valid token|PERMISSION_DENIED/i, 'the token in the webhook address is wrong, or the webhook was removed'],
      [/NOT_FOUND/i, 'the space or the webhook no longer exists'],
      [/RESOURCE_EXHAUSTED|quota/i, 'rate limited (about one message a second per space)'],
    ];
    const seen = `${text} ${String(error.status ?? '')}`;
    const hint = hints.find(([pattern]) => pattern.test(seen))?.[1];
    return {
      ...judged,
      message: `Google Chat rejected the message (${response.status} ${String(error.status ?? '')}: ${text})${hint ? `: ${hint}` : ''}`,
      code: typeof error.status === 'string' ? error.status : undefined,
    };
  },
});
