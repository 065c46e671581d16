// SPEC §9.2: `${NAME}` (that form only) expands from the environment in every value the user
// wrote. `$${NAME}` stays as the literal text `${NAME}`.

const REFERENCE = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function expandString(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  path: string,
  errors: string[],
): string {
  return text.replace(REFERENCE, (whole, escaped: string, name: string) => {
    if (escaped) return whole.slice(1);
    const value = env[name];
    if (value === undefined) {
      errors.push(`${path}: \${${name}} is not set in the environment`);
      return '';
    }
    return value;
  });
}

/** Expands every string below `value`; keys named in `skip` (pipeline data) are left alone. */
export function expandAll(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  path: string,
  errors: string[],
  skip: ReadonlySet<string> = new Set(),
): unknown {
  if (typeof value === 'string') return expandString(value, env, path, errors);
  if (Array.isArray(value)) return value.map((item, i) => expandAll(item, env, `${path}[${i}]`, errors));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        skip.has(key) ? item : expandAll(item, env, path ? `${path}.${key}` : key, errors),
      ]),
    );
  }
  return value;
}
