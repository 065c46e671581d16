// Every file in examples/ is valid for the shipped schema and dry-runs through dist/index.js.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { gitlabEnv } from '../helpers/gitlab-api.js';
import { githubEnv, runDist } from '../helpers/run-dist.js';

const ROOT = resolve(import.meta.dirname, '../..');
const EXAMPLES = readdirSync(resolve(ROOT, 'examples')).filter((f) => f.endsWith('.yml'));
const schema = JSON.parse(readFileSync(resolve(ROOT, 'schema/workflow-notify.schema.json'), 'utf8'));
const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);

/** A value for each ${NAME}: an address for the webhooks, a secret-looking string otherwise. */
function secretsFor(source: string): Record<string, string> {
  const names = [...new Set([...source.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]!))];
  return Object.fromEntries(
    names.map((name) => [
      name,
      /DISCORD/.test(name)
        ? `https://discord.example.com/api/webhooks/${name.length}01/T0ken${name.length}x9`
        : /WEBHOOK|SLACK_|FEISHU_PLATFORM$|DINGTALK_ONCALL$/.test(name)
          ? `https://hooks.example.com/${name.toLowerCase()}/T0ken${name.length}x9`
          : `s3cret-${name.toLowerCase()}-77`,
    ]),
  );
}

describe('examples/', () => {
  it('holds one example per target, a multi-team one and a GitLab one', () => {
    expect(EXAMPLES.sort()).toEqual([
      'dingtalk-app.yml',
      'dingtalk.yml',
      'discord.yml',
      'email.yml',
      'feishu-app.yml',
      'feishu.yml',
      'gitlab.yml',
      'google-chat.yml',
      'mattermost.yml',
      'multi-team.yml',
      'slack-app.yml',
      'slack.yml',
      'teams.yml',
      'telegram.yml',
      'webhook.yml',
      'wecom-app.yml',
      'wecom.yml',
    ]);
  });

  it.each(EXAMPLES)('%s points editors at the schema and is valid for it', (file) => {
    const source = readFileSync(resolve(ROOT, 'examples', file), 'utf8');
    expect(source.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/workflow-notify.schema.json');
    expect(validate(parse(source)) ? [] : validate.errors).toEqual([]);
  });

  it.each(EXAMPLES)('%s loads and dry-runs, printing no secret', async (file) => {
    const source = readFileSync(resolve(ROOT, 'examples', file), 'utf8');
    const secrets = secretsFor(source);
    const env =
      file === 'gitlab.yml'
        ? gitlabEnv('http://127.0.0.1:9', {
            NOTIFY_CONFIG: resolve(ROOT, 'examples', file),
            NOTIFY_DRY_RUN: 'true',
            NOTIFY_STATUS: 'failed',
            ...secrets,
          })
        : githubEnv({
            INPUT_CONFIG: resolve(ROOT, 'examples', file),
            'INPUT_DRY-RUN': 'true',
            INPUT_STATUS: 'failure',
            GITHUB_REF_NAME: 'release/2.4',
            ...secrets,
          });
    const result = await runDist({ env });
    expect(result.stdout).not.toMatch(/::error::|^error:/m);
    expect(result.code).toBe(0);
    const targets = (parse(source) as { targets: unknown[] }).targets.length;
    const lines = result.stdout
      .split('\n')
      .filter((l) => /^(○ \S+ ".+" dry run: nothing sent|- \S+ ".+" skipped: )/.test(l));
    expect(lines).toHaveLength(targets);
    const visible = result.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    // An app id names the app; it is not a credential.
    for (const [name, value] of Object.entries(secrets))
      if (!name.endsWith('_APP_ID')) expect(visible).not.toContain(value);
  });
});

describe('a first run of an example, before any secret is set', () => {
  it.each(EXAMPLES.filter((f) => f !== 'gitlab.yml'))(
    '%s dry-runs with placeholders and one warning; a real run names what is missing',
    async (file) => {
      const config = resolve(ROOT, 'examples', file);
      const names = Object.keys(secretsFor(readFileSync(config, 'utf8')));
      const dry = await runDist({
        env: githubEnv({ INPUT_CONFIG: config, 'INPUT_DRY-RUN': 'true', INPUT_STATUS: 'failure' }),
      });
      expect(dry.code).toBe(0);
      const warnings = dry.stdout.split('\n').filter((l) => l.startsWith('::warning::Dry run: '));
      expect(warnings).toEqual([
        `::warning::Dry run: ${names.map((n) => `\${${n}}`).join(', ')} ${names.length === 1 ? 'is' : 'are'} not set; placeholders are shown instead (a real run stops on ${names.length === 1 ? 'it' : 'them'}).`,
      ]);
      const real = await runDist({ env: githubEnv({ INPUT_CONFIG: config, INPUT_STATUS: 'failure' }) });
      expect(real.code).toBe(1);
      for (const name of names) expect(real.stdout).toContain(`\${${name}} is not set in the environment`);
    },
  );
});

describe('schema/workflow-notify.schema.json', () => {
  it('is what dist/index.js --schema prints (generated from the zod schema)', async () => {
    const printed = await runDist({ argv: ['--schema'] });
    expect(printed.code).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual(schema);
  });

  it('refuses an unknown key and a wrong type, as the program does', () => {
    expect(validate({ targets: [{ type: 'slak', webhook: 'x' }] })).toBe(false);
    expect(validate({ retries: 'many', wehbook: 'x' })).toBe(false);
    expect(
      validate({
        events: 'failed;timeout',
        at: ['$creator', 13800000000],
        'dry-run': 'true',
        targets: [{ type: 'slack', webhook: 'https://x' }],
      }),
    ).toBe(true);
  });
});
