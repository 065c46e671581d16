// Reading what the user set, in one call: the inputs through the CI adapter, the flags, the
// config file and `${NAME}`; every credential masked before anything can print; then one
// validation that names every problem.
import type { ParsedArgs } from '../cli.js';
import type { PlatformIO } from '../io/types.js';
import { isShortSecret } from '../redact.js';
import { mergeLayers, rawSecrets, validate, type Settings } from './load.js';
import { INPUT_NAMES } from './schema.js';
import { didYouMean } from './suggest.js';

function readInputs(io: PlatformIO): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const name of INPUT_NAMES) {
    const value = io.input(name);
    if (value !== undefined) inputs[name] = value;
  }
  return inputs;
}

/** A NOTIFY_* variable that is no input is most likely a typo: say so (GitHub warns of its own). */
function warnUnknownVariables(io: PlatformIO): void {
  if (io.platform === 'github') return;
  const known = new Set([...INPUT_NAMES.map((name) => io.inputVariable(name)), 'NOTIFY_DEBUG']);
  for (const variable of Object.keys(io.env)) {
    if (variable.startsWith('NOTIFY_') && !known.has(variable)) {
      io.warning(`${variable} is not an input and is ignored${didYouMean(variable, [...known])}`);
    }
  }
}

function maskSecrets(io: PlatformIO, raw: unknown): void {
  const { urls, values } = rawSecrets(raw);
  const forms = [...urls.flatMap((url) => io.redactor.addUrl(url)), ...values.flatMap((v) => io.redactor.add(v))];
  io.mask(forms);
  const short = values.filter(isShortSecret).length;
  if (short) {
    io.warning(
      `${short} configured secret${short === 1 ? ' is' : 's are'} shorter than 4 characters: hidden only where ${short === 1 ? 'it stands' : 'they stand'} alone in output. Use a longer secret.`,
    );
  }
}

export async function readSettings(
  io: PlatformIO,
  args: Pick<ParsedArgs, 'flags' | 'errors'>,
): Promise<{ ok: true; settings: Settings } | { ok: false; problems: string[] }> {
  warnUnknownVariables(io);
  const { raw, errors, placeholders } = await mergeLayers({ env: io.env, inputs: readInputs(io), flags: args.flags });
  maskSecrets(io, raw);
  if (placeholders.length) {
    io.warning(
      `Dry run: ${placeholders.map((name) => `\${${name}}`).join(', ')} ${placeholders.length === 1 ? 'is' : 'are'} not set; placeholders are shown instead (a real run stops on ${placeholders.length === 1 ? 'it' : 'them'}).`,
    );
  }
  const earlier = [...args.errors, ...errors];
  const loaded = validate(raw, io.env, earlier.length === 0);
  const problems = [...earlier, ...(loaded.ok ? [] : loaded.errors)];
  if (!loaded.ok || problems.length > 0) return { ok: false, problems };
  // GITLAB_TOKEN is read from the environment, not the inputs: it is masked here.
  io.mask(io.redactor.add(loaded.settings.gitlabToken));
  return { ok: true, settings: loaded.settings };
}
