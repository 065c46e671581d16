#!/usr/bin/env node
// The entry: `--version` answers at once; anything else loads the program (a separate chunk).
import { VERSION } from './version.js';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  process.stdout.write(`${VERSION}\n`);
} else {
  const [{ createIO }, { run }] = await Promise.all([import('./io/index.js'), import('./main.js')]);
  const io = createIO(process.env, (text) => process.stdout.write(text));
  process.exitCode = await run(io, { argv });
}
