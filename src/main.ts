// The flow, top to bottom: inputs → context → payload → rules → message → targets → http → report.
// Each step is one call with plain data; run() never throws and returns the exit code.
import { HELP, parseArgs } from './cli.js';
import { readSettings } from './config/index.js';
import type { Settings } from './config/load.js';
import { describeContext } from './context/describe.js';
import { readContext } from './context/index.js';
import type { PipelineContext } from './context/types.js';
import { randomUuid } from './crypto.js';
import { deliverAll, skippedResult, type Delivery, type Preview, type TargetResult } from './deliver.js';
import { useProxyFromEnv } from './http.js';
import type { PlatformIO } from './io/types.js';
import { buildMessage, messageForTarget, type Message } from './message/index.js';
import { resolveMentions } from './message/mentions.js';
import { texts } from './message/i18n.js';
import { prepareTemplates, type TargetTemplates } from './message/template.js';
import { buildPayload, repositoryEntry, type ZadigPayload } from './payload.js';
import { decodeRefs, reportProblems, reportRun } from './report.js';
import { decide } from './rules.js';
import { reportedStatus } from './status.js';
import { loadTargets } from './targets/index.js';
import { VERSION } from './version.js';

// The entry loads one module: the platform's IO comes with the program (one chunk in dist/, not two).
export { createIO } from './io/index.js';

export interface RunOptions {
  argv?: readonly string[];
  cwd?: string;
  now?: () => number;
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
    io.info(HELP());
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

  // Inputs (every credential masked before anything can print).
  const loaded = await readSettings(io, args);
  if (!loaded.ok) return reportProblems(io, loaded.problems);
  const { settings } = loaded;

  // Proxies as the runner's own tools honour them; their credentials are secrets.
  const proxy = useProxyFromEnv(io.env);
  proxy.problems.forEach((problem) => io.warning(problem));
  io.mask(proxy.secrets.flatMap((secret) => io.redactor.add(secret)));

  // Context → payload.
  const context = await readContext(io, settings, options.cwd ?? process.cwd());
  io.info(describeContext(context));
  const status = reportedStatus(settings.status, context);
  // A test message reports no status: what the context cannot tell does not matter to it.
  if (!settings.test) warnAboutContext(io, settings, context);
  const payload = buildPayload(context, status, settings.members);
  const run = `${payload.workflow.workflow_display_name} #${payload.workflow.task_id}`;
  io.info(`Workflow ${run}: ${status}`);

  // Rules: which targets send, and why the others do not.
  const now = (options.now ?? Date.now)();
  const nowSeconds = Math.floor(now / 1000);
  const results: TargetResult[] = [];
  const sending: { target: Settings['targets'][number]; events: string[] }[] = [];
  for (const target of settings.targets) {
    // A test message goes to every target, whatever its events and branches (SPEC §13).
    const decision = settings.test
      ? { send: true as const, events: ['test'] }
      : decide(target, status, context.ref, context.previousStatus);
    if (decision.send) sending.push({ target, events: decision.events });
    else results.push(skippedResult(target, decision.reason));
  }

  // Templates render before any message is built; a problem in one is a configuration error.
  const ci = { platform: context.platform, server_url: context.instance, ref: context.ref, sha: context.repo.sha };
  const { templates, errors } = await prepareTemplates(
    // A test message is ours: the targets' own title and message templates wait for real runs.
    (settings.test ? [] : sending).map(({ target }) => ({
      index: target.index,
      name: target.name,
      type: target.type,
      language: target.language,
      title: target.title,
      message: target.message,
      body: typeof target.options.body === 'string' ? target.options.body : undefined,
    })),
    payload,
    ci,
    { timeZone: settings.timeZone, nowSeconds, failedLogs: context.failedLogs },
  );
  if (errors.length) return reportProblems(io, errors);

  // Messages: built once per language, then each target's mentions and templates applied.
  const messages = new Map<string, Message>();
  const messageIn = (language: Settings['language']) => {
    let message = messages.get(language);
    if (!message) {
      message = buildMessage(payload, {
        language,
        timeZone: settings.timeZone,
        nowSeconds,
        previousStatus: context.previousStatus,
        stagesUnavailable: context.stagesUnavailable,
        repository: repositoryEntry(context),
        failedLogs: context.failedLogs,
      });
      messages.set(language, message);
    }
    return message;
  };
  const refs = decodeRefs(settings.messageRefs, (line) => io.warning(line));
  // Only the code of the types this run sends to is loaded.
  const definitions = await loadTargets(sending.map(({ target }) => target.type));
  const deliveries: Delivery[] = sending.map(({ target, events }) => {
    const definition = definitions.get(target.type)!;
    const own = settings.test ? testMessage(target, payload) : templates.get(target.name);
    const mentions = resolveMentions(target.at, definition.mentions, settings.members, payload.workflow.task_creator);
    // Made when first read: only some targets send it, and node:crypto costs milliseconds to load.
    let eventUuid: string | undefined;
    return {
      target,
      definition,
      events,
      input: {
        target,
        payload,
        message: messageForTarget(messageIn(target.language), { mentions, title: own?.title, body: own?.body }),
        bodyTemplate: own?.bodyTemplate,
        get eventUuid() {
          return (eventUuid ??= randomUuid());
        },
        now,
        instance: context.instance,
        members: settings.members,
        committers: context.committers,
        test: settings.test,
        previousRef: Object.hasOwn(refs, target.name) ? refs[target.name] : undefined,
      },
    };
  });
  warnUnknownMembers(io, deliveries, settings);

  // Targets → http, all at once, each isolated.
  const delivered = await deliverAll(deliveries, settings, {
    secret: (value) => io.mask(io.redactor.add(value)),
    warning: (line) => io.warning(line),
    redact: (text) => io.redactor.redact(text),
  });
  const previews = new Map<string, Preview>();
  for (const { result, preview } of delivered) {
    results.push(result);
    if (preview) previews.set(result.name, preview);
  }
  const order = new Map(settings.targets.map((t, i) => [t.name, i]));
  results.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));

  // Report. A test exists to find failures: any failed target fails it.
  return reportRun(io, {
    status,
    run,
    payload,
    results,
    previews,
    dryRun: settings.dryRun,
    failOnError: settings.failOnError || settings.test,
    test: settings.test,
  });
}

/** The test message of a target: clearly marked, naming what it would report (SPEC §13). */
function testMessage(target: Settings['targets'][number], payload: ZadigPayload): TargetTemplates {
  const t = texts(target.language);
  const w = payload.workflow;
  const body = t.testBody(w.project_display_name || w.project_name, w.workflow_display_name || w.workflow_name);
  return { title: t.testTitle(target.name), body: (escape) => escape(body) };
}

function warnAboutContext(io: PlatformIO, settings: Settings, context: PipelineContext): void {
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
}

/** A `$login` that is not in members, named once for the whole run. */
function warnUnknownMembers(io: PlatformIO, deliveries: readonly Delivery[], settings: Settings): void {
  const unknown = new Set([
    ...deliveries.flatMap((d) => d.input.message.mentions.unknown),
    ...deliveries.flatMap((d) =>
      (d.definition.logins?.(d.target.options) ?? []).filter((login) => !Object.hasOwn(settings.members, login)),
    ),
  ]);
  for (const login of unknown) {
    io.warning(`"${login}" is not in members: it is left out of mentions and recipients (add it to members).`);
  }
}
