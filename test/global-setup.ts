// The end-to-end tests run dist/index.js: build it from the current src/ first (esbuild, ~1 s),
// so they never test a stale bundle. `npm run check-dist` still tells whether the committed one is fresh.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export default function buildDist(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: resolve(import.meta.dirname, '..'), stdio: 'inherit' });
}
