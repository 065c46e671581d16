import { describe, expect, it } from 'vitest';
import { mergeLayers, validate, type LoadResult, type Sources } from '../src/config/load.js';

async function load(partial: Partial<Sources>): Promise<LoadResult> {
  const sources: Sources = { env: {}, inputs: {}, flags: {}, ...partial };
  const { raw, errors } = await mergeLayers(sources);
  const result = validate(raw, sources.env, errors.length === 0);
  if (errors.length === 0) return result;
  return { ok: false, errors: [...errors, ...(result.ok ? [] : result.errors)] };
}

async function settingsOf(partial: Partial<Sources>) {
  const result = await load(partial);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.settings;
}

async function errorsOf(partial: Partial<Sources>): Promise<string[]> {
  const result = await load(partial);
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

const HOOK = 'https://hooks.example.com/zadig';

describe('configuration', () => {
  it('makes one target from the single-target inputs, with defaults', async () => {
    const settings = await settingsOf({ inputs: { type: 'webhook', webhook: HOOK } });
    expect(settings.targets).toHaveLength(1);
    expect(settings.targets[0]).toMatchObject({
      index: 0,
      name: 'webhook#0',
      type: 'webhook',
      options: { webhook: HOOK, method: 'POST' },
      events: ['created', 'passed', 'failed', 'timeout', 'cancelled', 'wait_for_approval'],
      language: 'en',
      at: [],
      branches: [],
    });
    expect(settings).toMatchObject({ timeoutSeconds: 10, retries: 2, failOnError: false, dryRun: false });
  });

  it('defaults events to always when a message is set', async () => {
    const settings = await settingsOf({
      inputs: { type: 'webhook', webhook: HOOK, message: 'Please confirm staging' },
    });
    expect(settings.targets[0]?.events).toEqual(['always']);
  });

  it('lets a flag beat the environment and the environment beat the config file', async () => {
    const file =
      'retries: 5\ntimeout-seconds: 3\nlanguage: zh-CN\ntype: webhook\nwebhook: https://file.example.com/h\n';
    const settings = await settingsOf({
      inputs: { config: 'notify.yml', retries: '4', 'timeout-seconds': '7' },
      flags: { retries: '1' },
      readFile: () => file,
    });
    expect(settings.retries).toBe(1);
    expect(settings.timeoutSeconds).toBe(7);
    expect(settings.language).toBe('zh-CN');
    expect(settings.targets[0]?.options.webhook).toBe('https://file.example.com/h');
  });

  it('reads targets as YAML, normalises event aliases and lists, and applies top-level defaults', async () => {
    const settings = await settingsOf({
      inputs: {
        events: 'failed',
        branches: 'main;release/*',
        targets: [
          '- type: webhook',
          '  name: ops',
          '  webhook: https://a.example.com/h',
          '  events: [success, Canceled, timed_out]',
          '- type: webhook',
          '  webhook: https://b.example.com/h',
          '  method: put',
          '  headers: { Authorization: Bearer x1y2z3 }',
        ].join('\n'),
      },
    });
    expect(settings.targets.map((t) => [t.name, t.events, t.branches, t.options.method])).toEqual([
      ['ops', ['passed', 'cancelled', 'timeout'], ['main', 'release/*'], 'POST'],
      ['webhook#1', ['failed'], ['main', 'release/*'], 'PUT'],
    ]);
    expect(settings.targets[1]?.options.headers).toEqual({ Authorization: 'Bearer x1y2z3' });
  });

  it('puts the single target first and numbers the targets list after it', async () => {
    const settings = await settingsOf({
      inputs: { type: 'webhook', webhook: HOOK, targets: '- type: webhook\n  webhook: https://b.example.com/h' },
    });
    expect(settings.targets.map((t) => t.name)).toEqual(['webhook#0', 'webhook#1']);
  });

  it('expands ${NAME} in inputs and config values, and $${NAME} stays literal', async () => {
    const settings = await settingsOf({
      env: { HOOK_URL: HOOK, TEAM: 'ops' },
      inputs: { type: 'webhook', webhook: '${HOOK_URL}', title: 'Team ${TEAM} $${TEAM}' },
    });
    expect(settings.targets[0]?.options.webhook).toBe(HOOK);
    expect(settings.targets[0]?.title).toBe('Team ops ${TEAM}');
  });

  it('never expands ${NAME} in needs (pipeline data)', async () => {
    const settings = await settingsOf({
      env: { SECRET: 'leak' },
      inputs: { type: 'webhook', webhook: HOOK, needs: '{"build":{"result":"success","outputs":{"x":"${SECRET}"}}}' },
    });
    expect(settings.needs).toEqual({ build: { result: 'success', outputs: { x: '${SECRET}' } } });
  });

  it('names an unset ${NAME} with its path', async () => {
    expect(await errorsOf({ inputs: { targets: '- type: webhook\n  webhook: ${MISSING_HOOK}' } })).toEqual([
      'targets[0].webhook: ${MISSING_HOOK} is not set in the environment',
      'targets[0].webhook: required for webhook targets',
    ]);
  });

  it('reports every problem at once, each with its path', async () => {
    const errors = await errorsOf({
      inputs: {
        retries: '11',
        'timeout-seconds': '0',
        'fail-on-error': 'maybe',
        language: 'fr',
        status: 'sucess',
        targets: [
          '- type: webhook',
          '  webhook: https://a.example.com/h',
          '- type: dingtalk',
          '  msg-key: text',
          '- type: slak',
          '  webhook: https://c.example.com/h',
          '- type: webhook',
          '  wehbook: https://d.example.com/h',
          '- type: webhook',
          '  webhook: ftp://e.example.com',
          '  events: pased',
        ].join('\n'),
      },
    });
    expect(errors).toEqual([
      'status: unknown status "sucess": expected one of created, running, passed, failed, timeout, cancelled, wait_for_approval, skipped, reject (or a GitHub/GitLab word: success, failure, canceled, timed_out, …); did you mean "success"?',
      'language: expected one of en, zh-CN',
      'timeout-seconds: must be more than 0',
      'retries: expected a whole number from 0 to 10',
      'fail-on-error: expected true or false',
      'targets[1].msg-key: not used by dingtalk targets (only webhook)',
      'targets[1].webhook: required for dingtalk targets',
      'targets[2].type: expected one of feishu, feishu-app, dingtalk, dingtalk-app, wecom, wecom-app, teams, slack, slack-app, discord, telegram, google-chat, mattermost, email, webhook; did you mean "slack"?',
      'targets[3].wehbook: unknown key; did you mean "webhook"?',
      'targets[3].webhook: required for webhook targets',
      'targets[4].events[0]: unknown event "pased": expected one of created, passed, failed, timeout, cancelled, wait_for_approval, changed, always; did you mean "passed"?',
      'targets[4].webhook: expected an http:// or https:// address',
    ]);
  });

  it('suggests the closest key for an unknown config-file key', async () => {
    const errors = await errorsOf({
      inputs: { config: 'c.yml' },
      readFile: () => 'type: webhook\nwebhook: https://a.example.com/h\nfail-on-eror: true\n',
    });
    expect(errors).toEqual(['fail-on-eror: unknown key; did you mean "fail-on-error"?']);
  });

  it('reports the URL check of the single target even when another input is wrong', async () => {
    expect(await errorsOf({ inputs: { type: 'webhook', webhook: 'ftp://x', retries: 'x' } })).toEqual([
      'retries: expected a whole number from 0 to 10',
      'webhook: expected an http:// or https:// address',
    ]);
  });

  it('asks for a target when there is none', async () => {
    expect(await errorsOf({})).toEqual(['no target: set type and webhook, or a targets list']);
  });

  it('rejects two targets with the same name', async () => {
    expect(
      await errorsOf({
        inputs: {
          targets:
            '- {type: webhook, name: a, webhook: "https://a.example.com"}\n- {type: webhook, name: a, webhook: "https://b.example.com"}',
        },
      }),
    ).toEqual(['targets[1].name: "a" is already the name of targets[0]']);
  });

  it('reports YAML errors without quoting the offending line (it may hold a secret)', async () => {
    const errors = await errorsOf({
      inputs: { targets: '- type: webhook\n  webhook: "https://x.example.com/SECRET123\n  bad: [' },
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^targets: not valid YAML \(/);
    expect(errors[0]).not.toContain('SECRET123');
  });

  it('reports an unreadable config file', async () => {
    expect(
      await errorsOf({
        inputs: { config: 'missing.yml' },
        readFile: () => {
          throw Object.assign(new Error('nope'), { code: 'ENOENT' });
        },
      }),
    ).toEqual(['config: cannot read missing.yml (ENOENT)']);
  });

  it('reads status words from GitHub and GitLab', async () => {
    expect((await settingsOf({ inputs: { type: 'webhook', webhook: HOOK, status: 'canceled' } })).status).toBe(
      'cancelled',
    );
    expect((await settingsOf({ inputs: { type: 'webhook', webhook: HOOK, status: 'success' } })).status).toBe('passed');
  });

  it('takes GITLAB_TOKEN when gitlab-token is not set', async () => {
    expect(
      (await settingsOf({ env: { GITLAB_TOKEN: 'glpat-x' }, inputs: { type: 'webhook', webhook: HOOK } })).gitlabToken,
    ).toBe('glpat-x');
  });
});
