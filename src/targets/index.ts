import type { TargetType } from '../config/schema.js';
import { dingtalk } from './dingtalk.js';
import { discord } from './discord.js';
import { email } from './email.js';
import { feishu } from './feishu.js';
import { feishuApp } from './feishu-app.js';
import { slack } from './slack.js';
import { teams } from './teams.js';
import type { TargetDriver } from './types.js';
import { webhook } from './webhook.js';
import { wecom } from './wecom.js';

export const DRIVERS: Record<TargetType, TargetDriver> = {
  feishu,
  'feishu-app': feishuApp,
  dingtalk,
  wecom,
  teams,
  slack,
  discord,
  email,
  webhook,
};
