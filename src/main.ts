// The flow, top to bottom: inputs → context → payload → rules → message → targets → http → report.
import { randomUUID } from 'node:crypto';
import { HELP, parseArgs } from './cli.js';
import { mergeLayers, rawSecrets, validate, type Settings } from './config/load.js';
import { INPUT_NAMES } from './config/schema.js';
import { didYouMean } from './config/suggest.js';
import { readGitHubContext } from './context/github.js';
import { readGitLabContext } from './context/gitlab.js';
import type { PipelineContext } from './context/types.js';
import { deliver, preview, type Delivery, type TargetResult, type TokenCache } from './deliver.js';
import { describePosition, jsonErrorPosition } from './json-position.js';
import { texts } from './message/i18n.js';
import { buildMessage } from './message/index.js';
import { escapeJsonString, loadTemplateEngine, plain, templateData } from './message/template.js';
import type { HttpRequest } from './http.js';
import type { PlatformIO } from './io/types.js';
import { buildPayload } from './payload.js';
import { displayUrl } from './redact.js';
import { logLine, summaryMarkdown, writeOutputs } from './report.js';
import { decide } from './rules.js';
import { unknownRecipientLogins } from './targets/email.js';
import { DRIVERS } from './targets/index.js';
import { VERSION } from './version.js';

export interface RunOptions {
  argv?: readonly string[];
  cwd?: string;
  now?: () => number;
}

function readInputs(io: PlatformIO): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const name of INPUT_NAMES) {
    const value = io.env[io.inputVariable(name)];
    if (value !== undefined && value.trim() !== '') inputs[name] = value;
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
}

async function readContext(io: PlatformIO, settings: Settings, cwd: string): Promise<PipelineContext> {
  const policy = { retries: settings.retries, timeoutMs: settings.timeoutSeconds * 1000 };
  // The previous run decides `changed` and the message's "fixed" / "broken" / "still failing".
  if (io.platform === 'github') {
    return readGitHubContext(io.env, {
      token: settings.githubToken,
      needs: settings.needs,
      policy,
      io,
      previous: true,
    });
  }
  if (io.platform === 'gitlab')
    return readGitLabContext(io.env, { token: settings.gitlabToken, policy, io, previous: true });
  // git (child_process) is only needed in a terminal.
  const { readLocalContext } = await import('./context/local.js');
  return readLocalContext(cwd, io.env);
}

/** A dry run shows this much of a body; a larger one (a 1,000-job payload) is shown in part. */
const SHOWN_BODY_BYTES = 64 * 1024;

function printRequest(io: PlatformIO, request: HttpRequest): void {
  io.info(`  ${request.method} ${displayUrl(request.url)}`);
  for (const [name, value] of Object.entries(request.headers)) io.info(`  ${name}: ${value}`);
  if (request.body === undefined) return;
  const bytes = Buffer.byteLength(request.body);
  const shown =
    bytes > SHOWN_BODY_BYTES
      ? `${Buffer.from(request.body)
          .subarray(0, SHOWN_BODY_BYTES)
          .toString('utf8')
          .replace(/\uFFFD$/, '')}… (${bytes - SHOWN_BODY_BYTES} more bytes)`
      : request.body;
  io.info(`  body (${bytes} bytes): ${shown}`);
}

/**
 * The status input wins over the computed one, except that a plain `failed` (what GitLab's
 * on_failure job or GitHub's job.status can say) is refined to `timeout` when the jobs show it.
 */
function reportedStatus(input: string | undefined, context: PipelineContext): string {
  if (input === 'failed' && context.statusSource === 'jobs' && context.status === 'timeout') return 'timeout';
  return input ?? context.status;
}

/** A `$login` that is not in members, named once for the whole run. */
function warnUnknownMembers(io: PlatformIO, deliveries: readonly Delivery[], settings: Settings): void {
  const unknown = new Set([
    ...deliveries.flatMap((d) => d.input.message.mentions.unknown),
    ...deliveries.flatMap((d) => unknownRecipientLogins(d.target.to, settings.members)),
  ]);
  for (const login of unknown) {
    io.warning(`"${login}" is not in members: it is left out of mentions and recipients (add it to members).`);
  }
}

function reportProblems(io: PlatformIO, problems: readonly string[]): void {
  io.error(`The configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was sent:`);
  for (const problem of problems) io.error(`  ${problem}`);
}

/**
 * Compiles and checks every title, message and webhook body template (loading Handlebars only
 * when there is one); returns the problems, each naming its target.
 */
async function prepareTemplates(deliveries: Delivery[], context: PipelineContext): Promise<string[]> {
  const templated = deliveries.filter(({ target }) => target.title ?? target.message ?? target.body);
  if (templated.length === 0) return [];
  const engine = await loadTemplateEngine();
  const ci = { platform: context.platform, server_url: context.instance, ref: context.ref, sha: context.repo.sha };
  const errors: string[] = [];
  for (const { target, input } of templated) {
    const language = texts(target.language);
    const data = templateData(input.payload, language, ci);
    const where = (field: string) => `targets[${target.index}].${field} (${target.type} "${target.name}")`;
    const prepare = (field: string, source: string | undefined) => {
      if (source === undefined) return undefined;
      const prepared = engine.prepare(where(field), source, data, language);
      if ('error' in prepared) errors.push(prepared.error);
      return 'render' in prepared ? prepared.render : undefined;
    };
    const title = prepare('title', target.title);
    if (title) input.message.title = title(plain).trim();
    input.message.body = prepare('message', target.message);
    const body = prepare('body', target.body);
    if (body) {
      const rendered = body(escapeJsonString);
      const position = jsonErrorPosition(rendered);
      if (position === undefined) input.bodyTemplate = body;
      else
        errors.push(`${where('body')}: the rendered body is not valid JSON at ${describePosition(rendered, position)}`);
    }
  }
  return errors;
}

export async function run(io: PlatformIO, options: RunOptions = {}): Promise<number> {
  try {
    return await runFlow(io, options);
  } catch (error) {
    io.error(`unexpected failure: ${(error as Error).message}`);
    io.debug((error as Error).stack ?? '');
    return 1;
  }
}

async function runFlow(io: PlatformIO, options: RunOptions): Promise<number> {
  const args = parseArgs(options.argv ?? []);
  if (args.help) {
    io.info(HELP);
    return 0;
  }
  if (args.version) {
    io.info(VERSION);
    return 0;
  }
  if (args.schema) {
    const { configJsonSchema } = await import('./config/json-schema.js');
    io.info(JSON.stringify(configJsonSchema(), null, 2));
    return 0;
  }

  // Inputs: mask every credential before anything can be printed.
  warnUnknownVariables(io);
  const { raw, errors } = await mergeLayers({ env: io.env, inputs: readInputs(io), flags: args.flags });
  maskSecrets(io, raw);
  const earlier = [...args.errors, ...errors];
  const loaded = validate(raw, io.env, earlier.length === 0);
  const problems = [...earlier, ...(loaded.ok ? [] : loaded.errors)];
  if (!loaded.ok || problems.length > 0) {
    reportProblems(io, problems);
    return 1;
  }
  const { settings } = loaded;
  // GITLAB_TOKEN is read from the environment, not the inputs: it is masked here.
  io.mask(io.redactor.add(settings.gitlabToken));

  // Context → payload.
  const context = await readContext(io, settings, options.cwd ?? process.cwd());
  const status = reportedStatus(settings.status, context);
  for (const word of context.unknownStatuses) {
    io.warning(`Unknown status "${word}" from the CI: read as running.`);
  }
  if (!settings.status && context.statusSource === 'none') {
    io.warning(
      io.platform === 'github'
        ? 'Cannot tell the workflow status (no readable jobs, no needs): reporting "created". Grant "permissions: actions: read", pass needs: ${{ toJSON(needs) }}, or set status: ${{ job.status }}.'
        : 'Cannot tell the workflow status: reporting "created". Set the status input (NOTIFY_STATUS or --status).',
    );
  }
  if (context.previousUnknown && settings.targets.some((t) => t.events.includes('changed'))) {
    io.warning(`Cannot tell whether the status changed (${context.previousUnknown}): "changed" will not fire.`);
  }
  const payload = buildPayload(context, status, settings.members);
  io.info(`Workflow ${payload.workflow.workflow_display_name} #${payload.workflow.task_id}: ${status}`);

  // Rules → messages → deliveries, all targets at once.
  const now = (options.now ?? Date.now)();
  const results: TargetResult[] = [];
  const deliveries: Delivery[] = [];
  for (const target of settings.targets) {
    const decision = decide(target, status, context.ref, context.previousStatus);
    if (!decision.send) {
      results.push({
        name: target.name,
        type: target.type,
        ok: false,
        skipped: true,
        error: decision.reason,
        attempts: 0,
        ms: 0,
        events: [],
      });
      continue;
    }
    const driver = DRIVERS[target.type];
    const seconds = Math.floor(now / 1000);
    const message = buildMessage(payload, target, settings.members, seconds, context.previousStatus, driver.mentions);
    const input = {
      target,
      payload,
      message,
      eventUuid: randomUUID(),
      now,
      instance: context.instance,
      members: settings.members,
      committers: context.committers,
    };
    deliveries.push({ target, driver, events: decision.events, input });
  }

  warnUnknownMembers(io, deliveries, settings);
  const templateErrors = await prepareTemplates(deliveries, context);
  if (templateErrors.length) {
    reportProblems(io, templateErrors);
    return 1;
  }

  const hooks = {
    secret: (value: string) => io.mask(io.redactor.add(value)),
    warning: (line: string) => io.warning(line),
  };
  const tokens: TokenCache = new Map();
  const previews = new Map<string, ReturnType<typeof preview>>();
  const sent = await Promise.all(
    deliveries.map(async (delivery): Promise<TargetResult> => {
      if (!settings.dryRun) return deliver(delivery, settings, tokens, hooks);
      const shown = preview(delivery);
      previews.set(delivery.target.name, shown);
      const { target } = delivery;
      return {
        name: target.name,
        type: target.type,
        ok: true,
        skipped: false,
        error: null,
        attempts: 0,
        ms: 0,
        events: delivery.events,
      };
    }),
  );
  results.push(...sent);
  const order = new Map(settings.targets.map((t, i) => [t.name, i]));
  results.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));

  // Report.
  for (const result of results) {
    const line = logLine(result, settings.dryRun);
    if (!result.ok && !result.skipped) {
      if (settings.failOnError) io.error(line);
      else io.warning(line);
    } else {
      io.info(line);
    }
    const shown = previews.get(result.name);
    if (shown) {
      shown.warnings.forEach((w) => io.warning(`${result.type} "${result.name}": ${w}`));
      shown.requests.forEach((request) => printRequest(io, request));
      shown.lines.forEach((l) => io.info(`  ${l}`));
    }
  }
  writeOutputs(io, status, payload, results);
  io.appendSummary(summaryMarkdown(status, results, settings.dryRun));
  const failed = results.some((r) => !r.ok && !r.skipped);
  return failed && settings.failOnError ? 1 : 0;
}
