// SPEC §9.2: `${NAME}` (that form only) expands from the environment in every value the user
// wrote. `$${NAME}` stays as the literal text `${NAME}`.

const REFERENCE = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * What an unset name becomes. Absent: it is an error. In a dry run: a placeholder (an address
 * when the whole value is one), so that a new user sees the requests before setting secrets.
 */
export interface Unset {
  placeholder(name: string, whole: boolean, key: string): string;
  names: Set<string>;
}

export function expandString(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  path: string,
  errors: string[],
  unset?: Unset,
): string {
  const whole = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(text);
  const key = path.replace(/^.*\.|\[\d+\]$/g, '');
  return text.replace(REFERENCE, (match, escaped: string, name: string) => {
    if (escaped) return match.slice(1);
    const value = env[name];
    if (value !== undefined) return value;
    if (unset) {
      unset.names.add(name);
      return unset.placeholder(name, whole, key);
    }
    errors.push(`${path}: \${${name}} is not set in the environment`);
    return '';
  });
}

/** Expands every string below `value`; keys named in `skip` (pipeline data) are left alone. */
export function expandAll(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  path: string,
  errors: string[],
  skip: ReadonlySet<string> = new Set(),
  unset?: Unset,
): unknown {
  if (typeof value === 'string') return expandString(value, env, path, errors, unset);
  if (Array.isArray(value))
    return value.map((item, i) => expandAll(item, env, `${path}[${i}]`, errors, new Set(), unset));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        skip.has(key) ? item : expandAll(item, env, path ? `${path}.${key}` : key, errors, new Set(), unset),
      ]),
    );
  }
  return value;
}
