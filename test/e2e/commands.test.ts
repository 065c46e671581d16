// On GitHub, text from the pipeline (a commit message, a PR title) printed by the program must never
// be read by the runner as a workflow command: each such line is fenced by `::stop-commands::`.
import { describe, expect, it } from 'vitest';
import { example } from '../helpers/examples.js';
import { githubEnv, runDist } from '../helpers/run-dist.js';

const HOSTILE = '::error::x';
const LEGACY = '##[set-output name=status]passed';

/** The lines the runner would read as commands: those outside every stop-commands fence. */
function unfencedLines(stdout: string): string[] {
  const outside: string[] = [];
  let token: string | undefined;
  for (const line of stdout.split('\n')) {
    if (token !== undefined) {
      if (line === `::${token}::`) token = undefined;
      continue;
    }
    const fence = /^::stop-commands::(.+)$/.exec(line);
    if (fence) {
      expect(fence[1]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      token = fence[1];
    } else outside.push(line);
  }
  expect(token).toBeUndefined(); // every fence is closed
  return outside;
}

const dryRun = githubEnv({
  INPUT_TARGETS:
    '- {type: webhook, webhook: "https://h.example.com/zadig"}\n- {type: slack, webhook: "https://hooks.slack.com/services/T/B/X"}',
  INPUT_STATUS: 'success',
  'INPUT_DRY-RUN': 'true',
});

describe('workflow commands hidden in pipeline text, on GitHub', () => {
  it('prints a commit message holding ::error:: and ##[set-output] only inside a fence', async () => {
    const event = example('push');
    (event.head_commit as { message: string }).message = `Ship it ${HOSTILE}\n${LEGACY}\n${HOSTILE}`;
    const result = await runDist({ env: dryRun, event });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(HOSTILE);
    expect(result.stdout).toContain(LEGACY);
    const outside = unfencedLines(result.stdout);
    expect(outside.filter((line) => line.includes(HOSTILE) || line.includes('##['))).toEqual([]);
    expect(outside).toContain('○ webhook "webhook#0" dry run: nothing sent');
    expect(result.outputs.status).toBe('passed');
  });

  it('prints a pull request title holding them only inside a fence', async () => {
    const event = example('pull_request', (e) => e.action === 'opened');
    (event.pull_request as { title: string }).title = `${LEGACY} ${HOSTILE}`;
    const result = await runDist({
      env: { ...dryRun, GITHUB_EVENT_NAME: 'pull_request', GITHUB_HEAD_REF: 'feature' },
      event,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${LEGACY} ${HOSTILE}`);
    const outside = unfencedLines(result.stdout);
    expect(outside.filter((line) => line.includes(HOSTILE) || line.includes('##['))).toEqual([]);
  });
});
