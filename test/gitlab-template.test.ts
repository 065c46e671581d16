import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';

// GitLab's CI/CD JSON schema (gitlab-org/gitlab, app/assets/javascripts/editor/schema/ci.json),
// as bundled by gitlab-ci-local 4.75.1; see test/fixtures/README.md.
const schema = JSON.parse(readFileSync(new URL('./fixtures/gitlab/ci.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validate = ajv.compile(schema);
const root = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

function errorsOf(document: unknown): string[] {
  return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

type Job = {
  stage?: string;
  when?: string;
  needs?: unknown[];
  dependencies?: unknown[];
  extends?: string;
  variables?: Record<string, string>;
  image?: string;
  script?: string[];
  allow_failure?: boolean;
  artifacts?: unknown;
};

const template = parse(root('.gitlab-ci-template.yml')) as Record<string, Job>;

describe('.gitlab-ci-template.yml', () => {
  it("is valid for GitLab's CI schema", () => {
    expect(errorsOf(template)).toEqual([]);
  });

  it('has the hidden job and the three ready jobs, each setting NOTIFY_STATUS', () => {
    expect(Object.keys(template)).toEqual([
      '.workflow-notify',
      'workflow-notify:started',
      'workflow-notify:success',
      'workflow-notify:failure',
    ]);
    // A notifier never blocks the pipeline: every job may fail.
    expect(template['.workflow-notify']).toMatchObject({
      image: 'node:24-alpine',
      dependencies: [],
      allow_failure: true,
      variables: { GIT_DEPTH: '1' },
    });
    // No job-level defaults for the bundle or version: they would override a user's global variables.
    expect(Object.keys(template['.workflow-notify']!.variables!)).toEqual(['GIT_DEPTH']);
    // The started job hands its message-refs to the .post jobs through a dotenv report.
    expect(template['workflow-notify:started']).toEqual({
      extends: '.workflow-notify',
      stage: '.pre',
      needs: [],
      variables: { NOTIFY_STATUS: 'created', WORKFLOW_NOTIFY_DOTENV: 'workflow-notify.env' },
      artifacts: { when: 'always', reports: { dotenv: 'workflow-notify.env' } },
    });
    expect(template['workflow-notify:success']).toEqual({
      extends: '.workflow-notify',
      stage: '.post',
      when: 'on_success',
      dependencies: ['workflow-notify:started'],
      variables: { NOTIFY_STATUS: 'passed' },
    });
    expect(template['workflow-notify:failure']).toEqual({
      extends: '.workflow-notify',
      stage: '.post',
      when: 'on_failure',
      dependencies: ['workflow-notify:started'],
      variables: { NOTIFY_STATUS: 'failed' },
    });
  });

  it('runs a vendored bundle or the release archive it is pointed at, and no package name by default', () => {
    const script = template['.workflow-notify']!.script!.join('\n');
    expect(script).toContain('if [ -n "${WORKFLOW_NOTIFY_BUNDLE:-}" ]; then\n  node "$WORKFLOW_NOTIFY_BUNDLE"');
    expect(script).toContain('wget -qO- "$WORKFLOW_NOTIFY_SOURCE" | tar -xz -C /tmp/workflow-notify');
    // A registry name nobody here owns could be claimed by anyone and run with the pipeline's secrets.
    expect(script).not.toMatch(/npx|npm /);
    expect(script).toContain('exit 1');
    expect(root('.gitlab-ci-template.yml')).toContain('/-/raw/v1/.gitlab-ci-template.yml');
    expect(root('.gitlab-ci-template.yml')).toContain('NOTIFY_EVENTS: created;failed;passed');
  });
});

describe('templates/workflow-notify.yml (CI/CD component)', () => {
  const [header, body] = parseAllDocuments(root('templates/workflow-notify.yml')).map((d) => d.toJS()) as [
    Record<string, unknown>,
    Record<string, Job>,
  ];

  it("has a spec header and a body, both valid for GitLab's CI schema", () => {
    expect(errorsOf(header)).toEqual([]);
    expect(errorsOf(body)).toEqual([]);
  });

  it('takes the inputs type, webhook variable, events, at, stage, image and language', () => {
    const inputs = (header.spec as { inputs: Record<string, { default: string }> }).inputs;
    expect(Object.keys(inputs)).toEqual(['type', 'webhook-variable', 'events', 'at', 'stage', 'image', 'language']);
    expect(body['.workflow-notify']!.variables).toMatchObject({
      NOTIFY_TYPE: '$[[ inputs.type ]]',
      NOTIFY_WEBHOOK: '${$[[ inputs.webhook-variable ]]}',
      NOTIFY_LANGUAGE: '$[[ inputs.language ]]',
    });
    expect(body['.workflow-notify']!.script).toEqual(template['.workflow-notify']!.script);
    expect(body['.workflow-notify']!.allow_failure).toBe(true);
    expect(body['.workflow-notify']!.image).toBe('$[[ inputs.image ]]');
  });

  it('has the same jobs as the template', () => {
    expect(Object.keys(body)).toEqual([
      '.workflow-notify',
      'workflow-notify:started',
      'workflow-notify:success',
      'workflow-notify:failure',
    ]);
    expect(body['workflow-notify:failure']).toEqual({
      extends: '.workflow-notify',
      stage: '$[[ inputs.stage ]]',
      when: 'on_failure',
      dependencies: ['workflow-notify:started'],
      variables: { NOTIFY_STATUS: 'failed' },
    });
    expect(body['workflow-notify:started']).toEqual(template['workflow-notify:started']);
  });

  it('is refused by the schema when broken (the check can fail)', () => {
    expect(
      errorsOf({ 'workflow-notify:x': { stage: '.post', when: 'sometimes', script: 'x' } }).length,
    ).toBeGreaterThan(0);
  });
});
