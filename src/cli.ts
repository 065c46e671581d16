import { INPUTS, INPUT_NAMES } from './config/schema.js';
import { didYouMean } from './config/suggest.js';
import { TARGETS, TARGET_TYPES } from './targets/index.js';
import { VERSION } from './version.js';

export interface ParsedArgs {
  flags: Record<string, string>;
  help: boolean;
  version: boolean;
  /** Print the config file's JSON Schema. */
  schema: boolean;
  errors: string[];
}

/** Flags that may stand alone (`--dry-run`). */
const BOOLEAN_FLAGS = new Set(['dry-run', 'fail-on-error', 'test']);

/** `--name value`, `--name=value`, bare `--dry-run` / `--fail-on-error` / `--test`, and `test`. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = { flags: {}, help: false, version: false, schema: false, errors: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      parsed.help = true;
      continue;
    }
    if (arg === '--schema') {
      parsed.schema = true;
      continue;
    }
    if (arg === '--version' || arg === '-v') {
      parsed.version = true;
      continue;
    }
    if (i === 0 && arg === 'test') {
      parsed.flags.test = 'true';
      continue;
    }
    if (!arg.startsWith('--')) {
      parsed.errors.push(`unexpected argument "${arg}": inputs are given as --name value`);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (!INPUT_NAMES.includes(name)) {
      parsed.errors.push(`--${name}: unknown flag${didYouMean(name, INPUT_NAMES).replace(/"([^"]+)"/, '"--$1"')}`);
      if (eq === -1 && argv[i + 1] !== undefined && !argv[i + 1]?.startsWith('--')) i++;
      continue;
    }
    if (eq !== -1) {
      parsed.flags[name] = arg.slice(eq + 1);
    } else if (BOOLEAN_FLAGS.has(name) && (argv[i + 1] === undefined || argv[i + 1]?.startsWith('--'))) {
      parsed.flags[name] = 'true';
    } else if (argv[i + 1] === undefined) {
      parsed.errors.push(`--${name}: needs a value`);
    } else {
      parsed.flags[name] = argv[++i] as string;
    }
  }
  return parsed;
}

const pad = (name: string) => `  --${name}`.padEnd(20);

/** The help text, from the inputs and the target registry (so it cannot fall behind either). */
export function HELP(): string {
  const types = TARGET_TYPES.map((type) => `  ${type.padEnd(18)}${TARGETS[type]?.summary ?? ''}`);
  const inputs = INPUT_NAMES.map((name) => `${pad(name)}${INPUTS[name]?.description ?? ''}`);
  return `workflow-notify ${VERSION}
Zadig-style workflow notifications for GitHub Actions, GitLab CI and any shell.

Usage: workflow-notify [--input value]...
       workflow-notify test [--input value]...   send a test message to every target
       workflow-notify --help | --version | --schema (the config file's JSON Schema)

Every input can be a flag (--name), an environment variable (NOTIFY_NAME, hyphens as
underscores; INPUT_NAME inside GitHub Actions) or a key of the --config file. A flag beats the
environment; the environment beats the config file.

Inputs
${inputs.join('\n')}

Target types (the fields of each: see --schema or the README)
${types.join('\n')}

Config values may reference the environment as \${NAME}.
Exit codes: 0 delivered, skipped or only warned; 1 bad configuration, or a failed delivery
with --fail-on-error (a test message: any failure).
`;
}
