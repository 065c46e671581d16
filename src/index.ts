#!/usr/bin/env node
import { createIO } from './io/index.js';
import { run } from './main.js';

const io = createIO(process.env, (text) => process.stdout.write(text));
process.exitCode = await run(io, { argv: process.argv.slice(2) });
