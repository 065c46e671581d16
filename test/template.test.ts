import { describe, expect, it } from 'vitest';
import { texts } from '../src/message/i18n.js';
import { escapeJsonString, loadTemplateEngine, plain, templateData, type Render } from '../src/message/template.js';
import { escapeSlack } from '../src/targets/slack.js';
import { buildPayload } from '../src/payload.js';
import { fixtureContext } from './helpers/fixtures.js';

const en = texts('en');
const payload = buildPayload(fixtureContext({ remark: 'Ship <!channel> {{workflow.status}} "now"' }), 'failed', {});
const data = templateData(
  payload,
  en,
  {
    platform: 'github',
    server_url: 'https://github.com',
    ref: 'main',
    sha: '6dcb09b5',
  },
  0,
);

async function render(source: string, escape = plain): Promise<string> {
  const engine = await loadTemplateEngine();
  const prepared = engine.prepare('message', source, data, en, { json: escape === escapeJsonString });
  if ('error' in prepared) throw new Error(prepared.error);
  return (prepared.render as Render)(escape);
}

async function errorOf(source: string): Promise<string> {
  const prepared = (await loadTemplateEngine()).prepare('targets[0].message (webhook "w")', source, data, en);
  if (!('error' in prepared)) throw new Error('expected an error');
  return prepared.error;
}

describe('templates', () => {
  it('sees the payload and the extra variables', async () => {
    expect(
      await render(
        '{{status_icon}} {{workflow.workflow_name}} #{{workflow.task_id}} {{status_text}} {{short_sha}} {{duration}} {{ci.platform}}',
      ),
    ).toBe('❌ CI #47 failed 6dcb09b 3m 58s github');
  });

  it.each([
    ['{{upper workflow.status}}', 'FAILED'],
    ['{{lower "ABC"}}', 'abc'],
    ['{{truncate workflow.project_display_name 4}}', 'acme…'],
    ['{{date workflow.start_time}}', '2026-11-20 08:00:02 UTC'],
    ['{{duration 3725}}', '1h 2m 5s'],
    ['{{#if (eq workflow.status "failed")}}broken{{else}}fine{{/if}}', 'broken'],
    ['{{#each workflow.stages}}{{name}}={{status}};{{/each}}', 'build=passed;test=failed;'],
    ['{{json workflow.stages.[0].name}}', '"build"'],
  ])('%s → %s', async (source, expected) => {
    expect(await render(source)).toBe(expected);
  });

  it('joins a list', async () => {
    const engine = await loadTemplateEngine();
    const prepared = engine.prepare('m', '{{join list ", "}}', { list: ['a', 'b', 'c'] }, en);
    expect('render' in prepared && prepared.render(plain)).toBe('a, b, c');
  });

  it('escapes values for the dialect, and never evaluates a value as a template', async () => {
    expect(await render('{{workflow.remark}}', escapeSlack)).toBe('Ship &lt;!channel&gt; {{workflow.status}} "now"');
    expect(await render('{"text": "{{workflow.remark}}", "raw": {{json workflow.remark}}}', escapeJsonString)).toBe(
      '{"text": "Ship <!channel> {{workflow.status}} \\"now\\"", "raw": "Ship <!channel> {{workflow.status}} \\"now\\""}',
    );
  });

  it('reads `}}}` after a plain mustache as the end of a JSON object, and refuses triple-stashes', async () => {
    expect(await render('{"a": {"b": {{json workflow.task_id}}}}', escapeJsonString)).toBe('{"a": {"b": 47}}');
    expect(await errorOf('{{{workflow.project_name}}}')).toBe(
      'targets[0].message (webhook "w"): {{{x}}} and {{& x}} print a value unescaped; use {{x}} (or {{json x}})',
    );
    expect(await errorOf('{{&workflow.project_name}}')).toMatch(/print a value unescaped/);
  });

  it('escapes {{json x}} for the dialect in a title or message', async () => {
    expect(await render('{{json workflow.remark}}', escapeSlack)).toBe(
      '&quot;Ship &lt;!channel&gt; {{workflow.status}} \\&quot;now\\&quot;&quot;'.replace(/&quot;/g, '"'),
    );
  });

  it('reads an empty value as false in {{#if}}', async () => {
    expect(await render('{{#if workflow.error}}has error{{/if}}{{#if workflow.tag}}tag{{else}}no tag{{/if}}')).toBe(
      'has errorno tag',
    );
  });

  it('names an unknown variable and lists the known ones', async () => {
    const error = await errorOf('{{workflow.nope}}');
    expect(error).toMatch(
      /^targets\[0\]\.message \(webhook "w"\): unknown variable "workflow\.nope"; known: workflow\.task_id, workflow\.project_name, /,
    );
    expect(error).toContain(
      'status_text, status_icon, duration, short_sha, ci.platform, ci.server_url, ci.ref, ci.sha',
    );
    expect(await errorOf('{{branch}}')).toMatch(/unknown variable "branch"/);
  });

  it('reports a template that does not parse, without a stack trace', async () => {
    const error = await errorOf('{{#if x}}unclosed');
    expect(error).toMatch(
      /^targets\[0\]\.message \(webhook "w"\): not a valid template \(Parse error on line 1:$|^targets\[0\]\.message \(webhook "w"\): the template failed \(/,
    );
    expect(error).not.toContain('    at ');
  });
});
