// The one YAML reader for inputs and the config file. What it promises: an error names a line and
// column and never quotes the source (secrets live in those lines); unknown tags, aliases to no
// anchor and duplicate keys are errors; every number keeps the text the user wrote (ids, mobiles
// like +8613800000000 or 0123, 0x1F, 1e3); aliases expand a bounded number of times.
import type { Alias, Document, LineCounter, Scalar } from 'yaml';

type YamlModule = typeof import('yaml');

/** At most this many alias expansions: a few bytes of aliases cannot become gigabytes. */
const MAX_ALIAS_COUNT = 100;

/** What each YAML error means, in words that quote nothing from the source. */
const PROBLEMS: Record<string, string> = {
  TAG_RESOLVE_FAILED: 'an unknown tag (a value starting with "!"): quote the value',
  BAD_ALIAS: 'an alias (a value starting with "*") that names no anchor: quote the value',
  ALIAS_PROPS: 'an alias (a value starting with "*") cannot have a tag or anchor: quote the value',
  DUPLICATE_KEY: 'a key appears twice in the same map',
  MULTIPLE_DOCS: 'more than one document ("---")',
  TAB_AS_INDENT: 'a tab used for indentation: indent with spaces',
  BAD_INDENT: 'bad indentation',
  MISSING_CHAR: 'a quote or bracket is not closed',
  BAD_DQ_ESCAPE: 'an invalid escape in a double-quoted value',
  BAD_SCALAR_START: 'a value cannot start with this character: quote the value',
  MULTILINE_IMPLICIT_KEY: 'a key spans several lines',
  KEY_OVER_1024_CHARS: 'a key longer than 1024 characters',
  BLOCK_AS_IMPLICIT_KEY: 'a block used as a key',
  BLOCK_IN_FLOW: 'a block inside brackets',
  MULTIPLE_ANCHORS: 'more than one anchor on a value',
  MULTIPLE_TAGS: 'more than one tag on a value',
  BAD_PROP_ORDER: 'an anchor or tag in the wrong place',
  BAD_DIRECTIVE: 'an unsupported "%" directive',
  RESOURCE_EXHAUSTION: `aliases expand more than ${MAX_ALIAS_COUNT} times`,
  UNEXPECTED_TOKEN: 'unexpected text',
  COLLECTION_KEY: 'a list or map used as a key',
};

export type YamlResult = { ok: true; value: unknown } | { ok: false; error: string };

let loaded: YamlModule | undefined;

/** Parses YAML as described above; an empty source is null. */
export async function parseYaml(source: string): Promise<YamlResult> {
  if (!loaded) {
    // Loaded only when there is YAML to read; an ESM or CommonJS shape alike.
    const module = (await import('yaml')) as YamlModule & { default?: YamlModule };
    loaded = module.default ?? module;
  }
  const yaml = loaded;
  const lineCounter = new yaml.LineCounter();
  let doc: Document.Parsed;
  try {
    doc = yaml.parseDocument(source, {
      lineCounter,
      prettyErrors: false,
      // Not 'silent' (it drops the "more than one document" error); never 'warn', which prints
      // source text on stderr.
      logLevel: 'error',
      uniqueKeys: true,
      strict: true,
    });
  } catch {
    return { ok: false, error: 'not valid YAML' };
  }
  const first = [...doc.errors, ...doc.warnings][0];
  if (first) return { ok: false, error: at(lineCounter, first.pos[0], describe(first.code)) };

  let problem: string | undefined;
  yaml.visit(doc, {
    Alias(_, node: Alias) {
      if (node.resolve(doc) === undefined) {
        problem ??= at(lineCounter, node.range?.[0] ?? 0, describe('BAD_ALIAS'));
        return yaml.visit.BREAK;
      }
      return undefined;
    },
    Pair(_, pair) {
      // A list or map as a key would be printed by the parser and turned into text: refuse it.
      if (yaml.isCollection(pair.key)) {
        problem ??= at(lineCounter, (pair.key as { range?: number[] }).range?.[0] ?? 0, describe('COLLECTION_KEY'));
        return yaml.visit.BREAK;
      }
      return undefined;
    },
    Scalar(_, node: Scalar) {
      if (typeof node.value === 'number' || typeof node.value === 'bigint') {
        node.value = node.source ?? (node.range ? source.slice(node.range[0], node.range[1]) : String(node.value));
      }
    },
  });
  if (problem) return { ok: false, error: problem };
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? null };
  } catch (error) {
    const tooMany = /alias/i.test(String((error as Error)?.message));
    return { ok: false, error: tooMany ? describe('RESOURCE_EXHAUSTION') : 'not valid YAML' };
  }
}

function describe(code: string): string {
  return Object.hasOwn(PROBLEMS, code) ? (PROBLEMS[code] as string) : 'not valid YAML';
}

function at(lineCounter: LineCounter, offset: number, problem: string): string {
  const { line, col } = lineCounter.linePos(offset);
  return `line ${line}, column ${col}: ${problem}`;
}
