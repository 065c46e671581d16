// The registry: one line per target type. A new target is one file beside this one and one line
// here; the config schema, the JSON Schema, the help and the secret list follow from it.
// The declarations are read at start; a type's code loads when a run sends to it (in dist/, each
// target file is a chunk of its own: scripts/build.mjs keeps the code out of these imports).
import { dingtalkDeclaration } from './dingtalk.js';
import { dingtalkAppDeclaration } from './dingtalk-app.js';
import { discordDeclaration } from './discord.js';
import { emailDeclaration } from './email.js';
import { feishuDeclaration } from './feishu.js';
import { feishuAppDeclaration } from './feishu-app.js';
import { googleChatDeclaration } from './google-chat.js';
import { mattermostDeclaration } from './mattermost.js';
import { slackDeclaration } from './slack.js';
import { slackAppDeclaration } from './slack-app.js';
import { teamsDeclaration } from './teams.js';
import { telegramDeclaration } from './telegram.js';
import type { TargetDefinition, TargetMeta } from './types.js';
import { webhookDeclaration } from './webhook.js';
import { wecomDeclaration } from './wecom.js';
import { wecomAppDeclaration } from './wecom-app.js';

const ALL: readonly (readonly [TargetMeta, () => Promise<TargetDefinition>])[] = [
  [feishuDeclaration, async () => (await import('./feishu.js')).feishu],
  [feishuAppDeclaration, async () => (await import('./feishu-app.js')).feishuApp],
  [dingtalkDeclaration, async () => (await import('./dingtalk.js')).dingtalk],
  [dingtalkAppDeclaration, async () => (await import('./dingtalk-app.js')).dingtalkApp],
  [wecomDeclaration, async () => (await import('./wecom.js')).wecom],
  [wecomAppDeclaration, async () => (await import('./wecom-app.js')).wecomApp],
  [teamsDeclaration, async () => (await import('./teams.js')).teams],
  [slackDeclaration, async () => (await import('./slack.js')).slack],
  [slackAppDeclaration, async () => (await import('./slack-app.js')).slackApp],
  [discordDeclaration, async () => (await import('./discord.js')).discord],
  [telegramDeclaration, async () => (await import('./telegram.js')).telegram],
  [googleChatDeclaration, async () => (await import('./google-chat.js')).googleChat],
  [mattermostDeclaration, async () => (await import('./mattermost.js')).mattermost],
  [emailDeclaration, async () => (await import('./email.js')).email],
  [webhookDeclaration, async () => (await import('./webhook.js')).webhook],
];

/** What each type declares: its fields, mentions and summary (its code: loadTargets). */
export const TARGETS: Readonly<Record<string, TargetMeta>> = Object.fromEntries(
  ALL.map(([declaration]) => [declaration.type, declaration]),
);
export const TARGET_TYPES: readonly string[] = ALL.map(([declaration]) => declaration.type);

const loaders = new Map(ALL.map(([declaration, load]) => [declaration.type, load]));

/** The whole targets of these types (declaration and code), their code loaded now. */
export async function loadTargets(types: Iterable<string>): Promise<Map<string, TargetDefinition>> {
  const wanted = [...new Set(types)];
  const loaded = await Promise.all(wanted.map((type) => loaders.get(type)!()));
  return new Map(wanted.map((type, i) => [type, loaded[i]!]));
}
