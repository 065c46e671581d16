// Branch globs: `*` stays inside one path segment, `**` crosses `/`, `?` is one character,
// and a leading `!` excludes. Matched by stepping through the pattern's positions together
// (no backtracking), so the time is at most pattern length × branch length.

type Token = { kind: 'char'; char: string } | { kind: 'one' } | { kind: 'segment' } | { kind: 'any' };

function tokenize(glob: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === '*' && glob[i + 1] === '*') {
      tokens.push({ kind: 'any' });
      i++;
    } else if (char === '*') {
      tokens.push({ kind: 'segment' });
    } else if (char === '?') {
      tokens.push({ kind: 'one' });
    } else {
      tokens.push({ kind: 'char', char });
    }
  }
  return tokens;
}

/** Whether `text` matches the whole glob (one UTF-16 unit per `?`, as the former RegExp did). */
export function matchesGlob(text: string, glob: string): boolean {
  const tokens = tokenize(glob);
  // active[i]: the text read so far can end just before token i.
  let active = new Uint8Array(tokens.length + 1);
  const close = (states: Uint8Array) => {
    // A star may match nothing: reaching it also reaches the token after it.
    for (let i = 0; i < tokens.length; i++) {
      const kind = tokens[i]?.kind;
      if (states[i] && (kind === 'segment' || kind === 'any')) states[i + 1] = 1;
    }
  };
  active[0] = 1;
  close(active);
  for (const char of text.split('')) {
    const next = new Uint8Array(tokens.length + 1);
    let any = false;
    for (let i = 0; i < tokens.length; i++) {
      if (!active[i]) continue;
      const token = tokens[i] as Token;
      if (token.kind === 'any' || (token.kind === 'segment' && char !== '/')) {
        next[i] = 1;
        any = true;
      } else if ((token.kind === 'one' && char !== '/') || (token.kind === 'char' && token.char === char)) {
        next[i + 1] = 1;
        any = true;
      }
    }
    if (!any) return false;
    close(next);
    active = next;
  }
  return active[tokens.length] === 1;
}

/** True when `ref` matches the globs: at least one positive pattern (if any) and no `!` pattern. */
export function matchesBranches(ref: string, globs: readonly string[]): boolean {
  if (globs.length === 0) return true;
  const include = globs.filter((g) => !g.startsWith('!'));
  const exclude = globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1));
  if (exclude.some((g) => matchesGlob(ref, g))) return false;
  return include.length === 0 || include.some((g) => matchesGlob(ref, g));
}
