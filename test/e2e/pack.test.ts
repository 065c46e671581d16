// The published package: `npm pack`, installed in an empty folder with no registry at hand (it has
// no dependencies: the libraries are in the bundle), runs as `npx workflow-notify`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'wn-pack-'));
const project = join(dir, 'project');
let packed: { files: { path: string }[] }[];
let hook: Receiver;

function npm(args: string[], cwd: string): string {
  // Quiet and offline: nothing may come from a registry.
  return execFileSync('npm', [...args, '--offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
}

/** `npx workflow-notify …` in the project that installed the tarball, as a user types it. */
function npx(args: string[]): string {
  return execFileSync('npx', ['--offline', '--', 'workflow-notify', ...args], {
    cwd: project,
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
  });
}

beforeAll(async () => {
  hook = await startReceiver();
  packed = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], ROOT));
  mkdirSync(project);
  npm(['init', '-y'], project);
  const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'))!;
  npm(['install', '--no-package-lock', join(dir, tarball)], project);
}, 120_000);

afterAll(async () => {
  await hook.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('holds the bundle and what it reads, nothing else', () => {
    const paths = packed[0]!.files.map((file) => file.path);
    expect(paths).toContain('dist/index.js');
    expect(paths).toContain('dist/licenses.txt');
    expect(paths).toContain('schema/workflow-notify.schema.json');
    expect(paths).toContain('action.yml');
    // Everything it runs is bundled: installing it fetches nothing.
    const installed = JSON.parse(readFileSync(join(project, 'node_modules/workflow-notify/package.json'), 'utf8'));
    expect(installed.dependencies ?? {}).toEqual({});
    expect(readdirSync(join(project, 'node_modules'))).toEqual(['.bin', '.package-lock.json', 'workflow-notify']);
    for (const path of paths) {
      expect(path).toMatch(
        /^(dist\/[\w.-]+|schema\/[\w.-]+\.json|templates\/.+|action\.yml|\.gitlab-ci-template\.yml|package\.json|README\.md|LICENSE)$/,
      );
    }
  });

  it('installed from its tarball alone, answers --version', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(npx(['--version'])).toBe(`${version}\n`);
  });

  it('installed from its tarball alone, dry-runs a webhook target and sends nothing', () => {
    const out = npx(['--dry-run', '--type', 'webhook', '--webhook', `${hook.url}/zadig`, '--status', 'success']);
    expect(out).toContain('○ webhook "webhook#0" dry run: nothing sent');
    expect(out).toMatch(/^ {2}POST \S+$/m);
    expect(out).toMatch(/^ {2}body \(\d+ bytes\): \{"object_kind":"workflow"/m);
    expect(hook.requests).toHaveLength(0);
  });
});
