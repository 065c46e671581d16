import type { TargetType } from '../config/schema.js';
import type { TargetDriver } from './types.js';
import { webhook } from './webhook.js';

export const DRIVERS: Partial<Record<TargetType, TargetDriver>> = {
  webhook,
};
