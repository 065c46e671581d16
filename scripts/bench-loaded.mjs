// Preloaded by the benchmark in an untimed run: prints which files of dist/ the process loaded.
import { registerHooks } from 'node:module';

const loaded = new Set();
registerHooks({
  resolve(specifier, context, next) {
    const result = next(specifier, context);
    if (result.url.includes('/dist/')) loaded.add(result.url.slice(result.url.lastIndexOf('/') + 1));
    return result;
  },
});
process.on('exit', () => process.stderr.write(`\nBENCH_LOADED=${[...loaded].join(',')}\n`));
