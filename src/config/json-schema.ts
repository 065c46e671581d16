// The JSON Schema of the config file, generated from the one zod schema (so it cannot drift):
// editors complete and check workflow-notify configs with it.
import { z } from 'zod';
import { INPUT_SHAPES, settingsSchema } from './schema.js';

const DESCRIPTIONS: Record<string, string> = {
  type: 'Target type of the single target.',
  webhook: 'The webhook address (a credential: use ${NAME} and keep it in a secret).',
  secret: 'DingTalk/Feishu signing secret; for webhook, the X-Zadig-Token and the key of X-Zadig-Signature-256.',
  at: 'Members to mention: all, $creator, $<login>, ids, mobiles, emails; a list or one string separated by ; , or newlines.',
  events: 'Events to notify on: created, passed, failed, timeout, cancelled, wait_for_approval, changed, always.',
  targets: 'Many targets, each with its own fields.',
  status: 'The status to report instead of the computed one.',
  needs: 'The JSON of toJSON(needs).',
  'github-token': 'Token for the GitHub API (actions: read).',
  'gitlab-token': 'Token for the GitLab API (read_api).',
  title: 'Handlebars template replacing the default title.',
  message: 'Handlebars template replacing the default body; events then default to always.',
  language: 'Language of the default messages.',
  members: 'Logins to names, emails, mobiles and vendor ids, for $creator and $<login>.',
  branches: 'Globs of refs to notify for (main;release/*); !x excludes.',
  'timeout-seconds': 'Time limit of one request attempt, in seconds (default 10).',
  retries: 'Extra attempts after a retryable failure (default 2).',
  'fail-on-error': 'Fail (exit 1) when a delivery fails (default false: warn).',
  'dry-run': 'Print every request, redacted, and send nothing.',
  name: 'Label in logs, outputs and the summary (default <type>#<index>).',
  'at-all': 'Mention everyone (the same as "all" in at).',
  keyword: "dingtalk, feishu: a word the bot's keyword security needs.",
  method: 'webhook: the HTTP method.',
  headers: 'webhook: extra headers.',
  body: 'webhook: a Handlebars template of a JSON body replacing the Zadig payload.',
  'msg-key': 'webhook: also put the text message under this key of the payload.',
  'app-id': 'feishu-app: the app id.',
  'app-secret': 'feishu-app: the app secret.',
  'receive-id-type': 'feishu-app: the type of the receivers.',
  receivers: 'feishu-app: chat or user ids; a prefix (email:, chat_id:, open_id:) overrides receive-id-type.',
  domain: 'feishu-app: feishu, lark, or a base URL (without /open-apis).',
  smtp: 'email: smtp://user:pass@host:port (STARTTLS when offered) or smtps://….',
  from: 'email: the sender address.',
  to: 'email: addresses, $creator, $<login>, $committers.',
};

function describe(properties: unknown): void {
  if (!properties || typeof properties !== 'object') return;
  for (const [key, value] of Object.entries(properties as Record<string, Record<string, unknown>>)) {
    if (DESCRIPTIONS[key] && !value.description) value.description = DESCRIPTIONS[key];
  }
}

export function configJsonSchema(): Record<string, unknown> {
  // A config file cannot name another config file.
  const fileSchema = settingsSchema.omit({ config: true });
  const schema = z.toJSONSchema(fileSchema, {
    target: 'draft-07',
    io: 'input',
    unrepresentable: 'any',
    override(ctx) {
      const shape = INPUT_SHAPES.get(ctx.zodSchema as unknown as z.ZodType);
      if (!shape) return;
      for (const key of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as Record<string, unknown>)[key];
      Object.assign(ctx.jsonSchema, structuredClone(shape));
    },
  }) as Record<string, unknown>;
  const properties = schema.properties as Record<string, Record<string, unknown>>;
  describe(properties);
  describe((properties.targets?.items as Record<string, unknown> | undefined)?.properties);
  return {
    $schema: schema.$schema,
    title: 'workflow-notify configuration',
    description: 'The config file of workflow-notify (the `config` input): any input plus targets and members.',
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')),
  };
}
