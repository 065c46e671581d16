// The registry: one line per target type. A new target is one file beside this one and one line
// here; the config schema, the JSON Schema, the help and the secret list follow from it.
import { dingtalk } from './dingtalk.js';
import { dingtalkApp } from './dingtalk-app.js';
import { discord } from './discord.js';
import { email } from './email.js';
import { feishu } from './feishu.js';
import { feishuApp } from './feishu-app.js';
import { googleChat } from './google-chat.js';
import { mattermost } from './mattermost.js';
import { slack } from './slack.js';
import { slackApp } from './slack-app.js';
import { teams } from './teams.js';
import { telegram } from './telegram.js';
import type { TargetDefinition } from './types.js';
import { webhook } from './webhook.js';
import { wecom } from './wecom.js';
import { wecomApp } from './wecom-app.js';

const ALL: readonly TargetDefinition[] = [
  feishu,
  feishuApp,
  dingtalk,
  dingtalkApp,
  wecom,
  wecomApp,
  teams,
  slack,
  slackApp,
  discord,
  telegram,
  googleChat,
  mattermost,
  email,
  webhook,
];

export const TARGETS: Readonly<Record<string, TargetDefinition>> = Object.fromEntries(ALL.map((t) => [t.type, t]));
export const TARGET_TYPES: readonly string[] = ALL.map((t) => t.type);
