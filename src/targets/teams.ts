// Microsoft Teams Workflows webhook: an Adaptive Card 1.4 in a message envelope; mentions by
// email (or Entra id) through msteams.entities with matching <at>…</at> text. 202 = delivered.
import { judgeHttp } from '../http.js';
import type { Tone } from '../message/index.js';
import { commitLine, details, errorLine, markdownDialect, safeUrl, stageLines } from '../message/markdown.js';
import { JSON_HEADERS, fitBody, option, type HttpDriver, type TargetMeta, withCode } from './types.js';

const ZWSP = '\u200b';

/** Teams TextBlock markdown: backslash escapes, and `<` broken so that `<at>` is never a mention. */
export function escapeTeams(text: string): string {
  return text.replace(/([\\`*_~[\]])/g, '\\$1').replace(/</g, `<${ZWSP}`);
}

export const TEAMS_LIMIT = 28_000;
const STYLES: Record<Tone, string> = { success: 'good', failure: 'attention', warning: 'warning', info: 'accent' };

export const teamsDeclaration: TargetMeta = {
  type: 'teams',
  summary: 'Microsoft Teams channel (Workflows webhook)',
  fields: {
    webhook: {
      kind: 'url',
      secret: true,
      required: true,
      description: 'The Workflows webhook address (…/workflows/…/invoke?…&sig=…) (a credential).',
    },
  },
  mentions: { field: 'teams', by: ['email'] },
};

export const teams: HttpDriver = /* @__PURE__ */ withCode<HttpDriver>(teamsDeclaration, {
  kind: 'http',
  build({ target, message }) {
    // A TextBlock has no code block: each log line is a paragraph of its own, and a leading `-`,
    // `+` or `1.` (a test diff, numbered output) stays text: a zero-width space keeps it from a list.
    const d = {
      ...markdownDialect(escapeTeams),
      code: (lines: readonly string[]) =>
        lines.map((line) => escapeTeams(line).replace(/^(\s*)([-+]|\d+[.)])(?=\s|$)/, `$1${ZWSP}$2`)).join('\n\n'),
    };
    const { mentions } = message;
    const people = [...mentions.emails, ...mentions.ids];
    const warnings = [
      ...mentions.unresolved.map((who) => `cannot mention ${who}: the member has no teams id or email`),
      ...mentions.mobiles.map((mobile) => `cannot mention ${mobile}: Teams mentions by email or user id`),
      ...(mentions.all ? ['cannot mention everyone: a Teams webhook cannot notify a whole channel'] : []),
    ];
    const text = details(message, escapeTeams, () =>
      [...stageLines(message, d), commitLine(message, d), errorLine(message, d)].filter(Boolean).join('\n\n'),
    );
    // A custom message replaces the facts too.
    const facts = message.body ? [] : message.facts;
    const card = (cut: string) => {
      const body: unknown[] = [
        {
          type: 'Container',
          style: STYLES[message.tone],
          bleed: true,
          items: [
            { type: 'TextBlock', text: escapeTeams(message.title), weight: 'Bolder', size: 'Medium', wrap: true },
          ],
        },
        {
          type: 'FactSet',
          facts: facts.map((fact) => ({ title: fact.label, value: escapeTeams(fact.value) })),
        },
        { type: 'TextBlock', text: cut, wrap: true },
      ];
      if (people.length)
        body.push({ type: 'TextBlock', text: people.map((p) => `<at>${p}</at>`).join(' '), wrap: true });
      return {
        type: 'message',
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            contentUrl: null,
            content: {
              $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
              type: 'AdaptiveCard',
              version: '1.4',
              body,
              actions: safeUrl(message.url)
                ? [{ type: 'Action.OpenUrl', title: message.texts.clickForMore, url: message.url }]
                : [],
              msteams: {
                width: 'Full',
                entities: people.map((p) => ({
                  type: 'mention',
                  text: `<at>${p}</at>`,
                  mentioned: { id: p, name: p },
                })),
              },
            },
          },
        ],
      };
    };
    const body = fitBody(card, text, TEAMS_LIMIT, message.texts.truncated);
    return {
      requests: [
        { method: 'POST', url: option(target, 'webhook'), headers: { ...JSON_HEADERS }, body: JSON.stringify(body) },
      ],
      warnings,
    };
  },
  check: judgeHttp,
});
