// Builds dist/ with esbuild: one minified ES module entry, dist/index.js, that loads the program
// and the libraries a run may not need (yaml, handlebars, nodemailer) as lazy chunks; the licenses
// of everything bundled in dist/licenses.txt. Last, the config file's JSON Schema is written from
// the bundle to schema/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';

/** Imports esbuild must not follow: @actions/core's OIDC client (never used here) pulls in
 * @actions/http-client and undici, +420 KB and slower starts. They become a module that throws. */
const STUBBED = /^(@actions\/http-client|undici)(\/.*)?$/;

/** CommonJS packages the program imports (yaml, handlebars); nodemailer ships ES modules. */
const COMMONJS = /^(yaml|handlebars)$/;
const require = createRequire(import.meta.url);

const stubs = {
  name: 'stubs',
  setup(build) {
    build.onResolve({ filter: STUBBED }, (args) => ({ path: args.path, namespace: 'stub' }));
    build.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => ({
      contents: `const fail = () => { throw new Error(${JSON.stringify(`${args.path} is not bundled`)}); };
        export class HttpClient { constructor() { fail(); } }
        export class BearerCredentialHandler { constructor() { fail(); } }
        export default {};`,
      loader: 'js',
    }));
    // A CommonJS package imported dynamically from an ES module chunk offers only `default`:
    // re-export its names, so `(await import('yaml')).parse` works as it does unbundled.
    build.onResolve({ filter: COMMONJS }, (args) =>
      args.namespace === 'commonjs-named' ? undefined : { path: args.path, namespace: 'commonjs-named' },
    );
    build.onLoad({ filter: /.*/, namespace: 'commonjs-named' }, (args) => {
      const names = Object.keys(require(args.path)).filter(
        (name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default',
      );
      return {
        contents: `import m from ${JSON.stringify(args.path)}; export default m; export const { ${names.join(', ')} } = m;`,
        resolveDir: process.cwd(),
        loader: 'js',
      };
    });
    // An ES import of node:http makes Node build its module namespace, which loads Node's internal
    // undici (+30 ms on every run); required, it does not.
    build.onResolve({ filter: /^(node:)?http$/ }, (args) =>
      args.namespace === 'builtin' ? { path: args.path, external: true } : { path: 'http', namespace: 'builtin' },
    );
    build.onLoad({ filter: /.*/, namespace: 'builtin' }, () => ({
      contents: `module.exports = require('node:http');`,
      loader: 'js',
      resolveDir: '.',
    }));
  },
};

rmSync('dist', { recursive: true, force: true });
const { metafile } = await build({
  entryPoints: ['src/index.ts'],
  outdir: 'dist',
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  minify: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  // CommonJS libraries inside an ES module call require(): give each chunk one.
  banner: { js: `import{createRequire as __wnRequire}from'node:module';const require=__wnRequire(import.meta.url);` },
  plugins: [stubs],
});
writeFileSync('dist/package.json', `${JSON.stringify({ type: 'module' }, null, 2)}\n`);
// Only what reached the output: a package tree-shaken away (@actions/exec) is not shipped.
const shipped = Object.values(metafile.outputs).flatMap((output) =>
  Object.entries(output.inputs)
    .filter(([, use]) => use.bytesInOutput > 0)
    .map(([input]) => input),
);
writeFileSync('dist/licenses.txt', licenses(shipped));

mkdirSync('schema', { recursive: true });
// A clean environment: on a CI runner the program would print for that CI (fenced on GitHub).
const schema = execFileSync(process.execPath, ['dist/index.js', '--schema'], {
  encoding: 'utf8',
  env: { PATH: process.env.PATH },
});
writeFileSync('schema/workflow-notify.schema.json', schema);

/** Each bundled package's name, version, license and license text, sorted by name. */
function licenses(inputs) {
  const roots = new Set();
  for (const input of inputs) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) roots.add(match[1]);
  }
  const entries = [...roots].map((root) => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const file = readdirSync(root).find((name) => /^(licen[cs]e|copying)(\.|$)/i.test(name));
    const text = file ? readFileSync(join(root, file), 'utf8').trim() : `${pkg.license} (no license file)`;
    return { name: pkg.name, text: `${pkg.name} ${pkg.version}\n${pkg.license}\n${text}` };
  });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  return `${entries.map((entry) => entry.text).join('\n\n')}\n`;
}
