// Branch globs: `*` stays inside one path segment, `**` crosses `/`, `?` is one character,
// and a leading `!` excludes.

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        source += '.*';
        i++;
      } else {
        source += '[^/]*';
      }
    } else if (ch === '?') {
      source += '[^/]';
    } else {
      source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

/** True when `ref` matches the globs: at least one positive pattern (if any) and no `!` pattern. */
export function matchesBranches(ref: string, globs: readonly string[]): boolean {
  if (globs.length === 0) return true;
  const include = globs.filter((g) => !g.startsWith('!'));
  const exclude = globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1));
  if (exclude.some((g) => globToRegExp(g).test(ref))) return false;
  return include.length === 0 || include.some((g) => globToRegExp(g).test(ref));
}
