import { INPUT_NAMES } from './config/schema.js';
import { didYouMean } from './config/suggest.js';
import { VERSION } from './version.js';

export interface ParsedArgs {
  flags: Record<string, string>;
  help: boolean;
  version: boolean;
  /** Print the config file's JSON Schema. */
  schema: boolean;
  errors: string[];
}

const BOOLEAN_FLAGS = new Set(['dry-run', 'fail-on-error']);

/** `--name value`, `--name=value`, and bare `--dry-run` / `--fail-on-error`. */
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

export const HELP = `workflow-notify ${VERSION}
Zadig-style workflow notifications for GitHub Actions, GitLab CI and any shell.

Usage: workflow-notify [--input value]...
       workflow-notify --help | --version | --schema (the config file's JSON Schema)

Every input can be a flag (--name), an environment variable (NOTIFY_NAME, hyphens as
underscores; INPUT_NAME inside GitHub Actions) or a key of the --config file. A flag beats the
environment; the environment beats the config file.

Single target
  --type            feishu, feishu-app, dingtalk, wecom, teams, slack, discord, email, webhook
  --webhook         the webhook address (a credential: keep it in a secret)
  --secret          DingTalk/Feishu signing secret; for webhook, the X-Zadig-Token
  --at              members to mention, separated by ; , or newlines ("all", "$creator", ids)
  --events          created, passed, failed, timeout, cancelled, wait_for_approval, changed, always

Everything else
  --targets         YAML list of targets (many targets in one run)
  --config          path to a YAML config file
  --status          the status to report instead of the computed one
  --needs           JSON of the jobs this one needs (GitHub: \${{ toJSON(needs) }})
  --github-token    token for the GitHub API (actions: read)
  --gitlab-token    token for the GitLab API (read_api); env fallback GITLAB_TOKEN
  --title           Handlebars template for the title
  --message         Handlebars template for the body (then events default to "always")
  --language        en or zh-CN
  --members         YAML map of logins to {name, email, mobile, <vendor> ids}
  --branches        globs of refs to notify for ("main;release/*")
  --timeout-seconds per request attempt (default 10)
  --retries         extra attempts after a retryable failure (default 2)
  --fail-on-error   exit 1 when a delivery fails (default false: warn)
  --dry-run         print every request, redacted, and send nothing

Config values may reference the environment as \${NAME}.
Exit codes: 0 delivered, skipped or only warned; 1 bad configuration, or a failed delivery
with --fail-on-error.
`;
