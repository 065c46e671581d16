#!/usr/bin/env node
// The entry: `--version` answers at once; anything else loads the program (chunks beside this
// file). The process ends as soon as the report is written: a name lookup that never answers
// cannot keep it alive. Nothing is imported statically, so that a missing chunk is one clear line.

// Output piped into `head` closes early: that ends the run quietly, not with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});

/** A part of the program (a chunk beside this file); a missing one ends the run with one line. */
async function load<T>(part: () => Promise<T>): Promise<T> {
  try {
    return await part();
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND';
    process.stderr.write(
      missing
        ? `workflow-notify: a part of the program is missing beside ${process.argv[1] ?? 'index.js'}: copy the whole dist/ folder, not index.js alone.\n`
        : `workflow-notify: cannot start: ${(error as Error).message}\n`,
    );
    process.exit(1);
  }
}

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  const { VERSION } = await load(() => import('./version.js'));
  process.stdout.write(`${VERSION}\n`);
} else {
  const { createIO, run } = await load(() => import('./main.js'));
  const io = createIO(process.env, (text) => process.stdout.write(text));
  process.exitCode = await run(io, { argv });
  process.stdout.write('', () => process.exit());
}
