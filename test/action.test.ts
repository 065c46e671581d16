// action.yml declares every input the program reads and the outputs a workflow uses, with no
// `default:` but github-token's (a default arrives as INPUT_* and would beat the config file).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { INPUT_NAMES } from '../src/config/schema.js';
import { TARGET_TYPES } from '../src/targets/index.js';

const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as {
  inputs: Record<string, { description: string; required: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
};

describe('action.yml', () => {
  it('declares exactly the inputs the program reads', () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...INPUT_NAMES].sort());
  });

  it('names every target type the program has in the type input', () => {
    const listed = /^Target type: (.*) or (\S+)\. /.exec(action.inputs.type!.description);
    expect([...listed![1]!.split(', '), listed![2]]).toEqual([...TARGET_TYPES]);
  });

  it('gives a default to github-token only, and says every default in its description', () => {
    const defaults = Object.entries(action.inputs).filter(([, input]) => input.default !== undefined);
    expect(defaults.map(([name]) => name)).toEqual(['github-token']);
    for (const [name, input] of Object.entries(action.inputs)) {
      expect({ name, says: /Default: /.test(input.description) }).toEqual({ name, says: true });
    }
  });

  it('has the outputs of SPEC §8, message-refs included', () => {
    expect(Object.keys(action.outputs)).toEqual([
      'status',
      'events',
      'payload',
      'sent',
      'failed',
      'skipped',
      'results',
      'message-refs',
    ]);
  });
});

describe("the README's one-message-per-run workflow", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## One message per run'), readme.indexOf('## Inputs'));
  const block = /\*\*GitHub\.\*\*[\s\S]*?```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  type Step = { id?: string; uses?: string; with?: Record<string, string> };
  type Job = { needs?: string[]; outputs?: Record<string, string>; steps?: Step[] };
  const { jobs } = parse(block) as { jobs: Record<string, Job> };

  it("hands notify-start's message-refs output to the final job through needs", () => {
    const start = jobs['notify-start']!;
    const step = start.steps!.find((s) => s.uses?.includes('workflow-notify'))!;
    expect(start.outputs).toEqual({ 'message-refs': `\${{ steps.${step.id}.outputs.message-refs }}` });
    expect(step.with).toMatchObject({ status: 'created' });
    const notify = jobs.notify!;
    expect(notify.needs).toContain('notify-start');
    expect(notify.steps![0]!.with).toMatchObject({
      'message-refs': '${{ needs.notify-start.outputs.message-refs }}',
    });
    // The same target in both steps: refs are matched by target name.
    const target = (s: Step) => ({ type: s.with?.type, webhook: s.with?.webhook });
    expect(target(notify.steps![0]!)).toEqual(target(step));
  });
});
