// Builds dist/: ncc bundles src/index.ts (minified), then the chunks it splits off for lazy
// imports (nodemailer, handlebars), which ncc leaves unminified, are minified with terser.
// Last, the config file's JSON Schema is written from the bundle to schema/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { minify } from 'terser';

rmSync('dist', { recursive: true, force: true });
execFileSync(
  'npx',
  [
    'ncc',
    'build',
    'src/index.ts',
    '--out',
    'dist',
    '--minify',
    '--license',
    'licenses.txt',
    '--no-source-map-register',
    '--quiet',
  ],
  { stdio: 'inherit' },
);
for (const file of readdirSync('dist')) {
  if (!file.endsWith('.js') || file === 'index.js') continue;
  const path = `dist/${file}`;
  const { code } = await minify(readFileSync(path, 'utf8'), {
    module: true,
    compress: true,
    mangle: true,
    format: { comments: false },
  });
  writeFileSync(path, code);
}

mkdirSync('schema', { recursive: true });
const schema = execFileSync(process.execPath, ['dist/index.js', '--schema'], { encoding: 'utf8' });
writeFileSync('schema/workflow-notify.schema.json', schema);
