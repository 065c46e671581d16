// Fails when dist/ differs from a fresh build of src/ (the committed bundle is what users run).
import { execFileSync } from 'node:child_process';

const run = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

run('npm', ['run', '--silent', 'build']);
const changed = run('git', ['status', '--porcelain', '--', 'dist', 'schema']).trim();
if (changed) {
  console.error(
    'dist/ or schema/ is stale: it differs from a fresh build of src/. Run `npm run build` and commit both.',
  );
  console.error(changed);
  console.error(run('git', ['diff', '--stat', '--', 'dist', 'schema']));
  process.exit(1);
}
console.log('dist/ and schema/ match a fresh build of src/.');
