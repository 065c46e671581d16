// Builds dist/ with esbuild: one minified ES module entry, dist/index.js, that loads the program
// and the libraries a run may not need (yaml, handlebars, nodemailer) as lazy chunks; the licenses
// of everything bundled in dist/licenses.txt. Last, the config file's JSON Schema is written from
// the bundle to schema/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';

/** Imports esbuild must not follow: @actions/core's OIDC client (never used here) pulls in
 * @actions/http-client and undici, +420 KB and slower starts. They become a module that throws. */
const STUBBED = /^(@actions\/http-client|undici)(\/.*)?$/;

/** CommonJS packages the program imports (yaml, handlebars); nodemailer ships ES modules. */
const COMMONJS = /^(yaml|handlebars)$/;
const require = createRequire(import.meta.url);

/** The first line of each chunk (after index.js's shebang); the chunk's built-ins follow it. */
const BANNER = `const require=process.getBuiltinModule('node:module').createRequire(import.meta.url);`;
/** A static ES import of one of Node's built-ins, as esbuild writes it. */
const BUILTIN_IMPORT = new RegExp(
  `import\\s*(\\*\\s*as\\s*[\\w$]+|[\\w$]+|\\{[^}]*\\})\\s*from\\s*["'](?:node:)?(${builtinModules.join('|')})["'];?`,
  'g',
);

const SRC = resolve('src') + '/';
const MAIN = resolve('src/main.ts');
/** Modules of the plugin's own namespaces are named relative to the project: chunk names (their
 * hashes) must not depend on where the clone is, or check-dist fails in another folder. */
const named = (path) => relative(process.cwd(), path);
/** A relative import specifier from `from`'s folder to `to`. */
const specifier = (from, to) => {
  const path = relative(dirname(from), to);
  return path.startsWith('.') ? path : `./${path}`;
};

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
    // @actions/core's modules that this program does not use (the step summary, whose module reads
    // fs.promises as it loads; platform details, which pull @actions/exec) are left out.
    build.onResolve({ filter: /.*/ }, async (args) => {
      const inCore = args.path === '@actions/core' || args.importer.includes('/node_modules/@actions/core/');
      if (!inCore || args.pluginData === 'core' || args.namespace !== 'file') return undefined;
      const result = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'core',
      });
      return result.external ? result : { ...result, sideEffects: false };
    });
    // The target registry reads each target file's declaration at start and loads the file itself
    // when a run sends to that type. Its static imports get a copy of their own, which
    // tree-shaking reduces to the declaration (the code is `withCode(…)`, marked pure): each
    // target's code is then a chunk of its own, loaded by the registry's import().
    // The target files such a copy imports (receivers.ts, slack.ts for slack-app…) are copies too:
    // otherwise they would be reached from the start and their code would load with it.
    build.onResolve({ filter: /^\.\/[\w-]+\.js$/ }, async (args) => {
      const registry = args.importer.endsWith('/src/targets/index.ts') && args.namespace === 'file';
      const copy = args.namespace === 'declaration' && args.path !== './types.js';
      if (!(registry || copy) || args.kind !== 'import-statement' || args.pluginData === 'declaration')
        return undefined;
      const { path } = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'declaration',
      });
      return { path: named(path), namespace: 'declaration' };
    });
    // A part of the program loaded later (a target's code, the failed-log reader, …) imports
    // main.ts too in the bundle: main is loaded by then, and what main and these parts share
    // then forms one chunk, not one per combination of parts (measured: 24 files for one message).
    build.onResolve({ filter: /^\.\.?\// }, async (args) => {
      if (args.kind !== 'dynamic-import' || args.pluginData === 'later' || !resolve(args.importer).startsWith(SRC))
        return undefined;
      const { path } = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'later',
      });
      if (!path.startsWith(SRC) || path === MAIN || args.importer.endsWith('/src/index.ts')) return { path };
      return { path: named(path), namespace: 'later' };
    });
    build.onLoad({ filter: /.*/, namespace: 'later' }, (args) => {
      const file = resolve(args.path);
      return {
        contents: `import ${JSON.stringify(specifier(file, MAIN))}; export * from ${JSON.stringify(specifier(file, file))};`,
        loader: 'js',
        resolveDir: dirname(file),
      };
    });
    build.onLoad({ filter: /.*/, namespace: 'declaration' }, (args) => ({
      contents: readFileSync(resolve(args.path), 'utf8'),
      loader: 'ts',
      resolveDir: dirname(resolve(args.path)),
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
  banner: { js: BANNER },
  plugins: [stubs],
});
// BUILD_METAFILE=path writes esbuild's metafile there: which inputs make each chunk's bytes.
if (process.env.BUILD_METAFILE) writeFileSync(process.env.BUILD_METAFILE, JSON.stringify(metafile));
for (const [file, output] of Object.entries(metafile.outputs)) {
  if (!file.endsWith('.js')) continue;
  const builtins = output.imports.filter((i) => i.external && i.kind === 'import-statement').length;
  writeFileSync(file, builtinsFetched(readFileSync(file, 'utf8'), file, builtins));
}
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

/**
 * A chunk whose static imports of Node's built-ins are `process.getBuiltinModule` calls, placed
 * after the banner (where ES imports would be hoisted). An ES import of a built-in makes Node build
 * its whole module namespace, running every lazy getter: `node:fs` loads its promises API and
 * readline, `node:http` Node's internal undici (+30 ms). Fetched, a built-in's parts load when used.
 */
function builtinsFetched(code, file, expected) {
  const declarations = [];
  const rest = code.replace(BUILTIN_IMPORT, (_, clause, name) => {
    const module = `process.getBuiltinModule(${JSON.stringify(`node:${name}`)})`;
    // `* as x` and a default import are the module itself; `{ a as b }` destructures it.
    const binding = clause.startsWith('{') ? clause.replace(/\s+as\s+/g, ':') : clause.replace(/^\*\s*as\s*/, '');
    declarations.push(`const ${binding}=${module};`);
    return '';
  });
  // Exactly esbuild's own imports, none in a string that merely looks like one.
  if (declarations.length !== expected)
    throw new Error(`${file}: ${declarations.length} built-in imports, expected ${expected}`);
  if (!rest.includes(BANNER)) throw new Error(`${file}: the banner is missing`);
  return rest.replace(BANNER, () => BANNER + declarations.join(''));
}

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
