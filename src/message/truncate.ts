// Cutting text to a size without breaking it: at a line boundary when one is near, else at a
// character (code point) boundary, never inside a UTF-8 sequence or an HTML entity.

/** Bytes of `text` once placed inside a JSON string (escapes included). */
export function jsonBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text)) - 2;
}

function cutAtCharacters(text: string, fits: (candidate: string) => boolean): string {
  const chars = Array.from(text);
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(chars.slice(0, mid).join(''))) low = mid;
    else high = mid - 1;
  }
  let cut = chars.slice(0, low).join('');
  // Do not leave half an entity (`&lt` without its `;`) at the end.
  const amp = cut.lastIndexOf('&');
  if (amp !== -1 && !cut.slice(amp).includes(';') && /^&#?\w*$/.test(cut.slice(amp))) cut = cut.slice(0, amp);
  return cut;
}

/**
 * The longest start of `text` that, followed by `marker`, satisfies `size(result) <= max`.
 * Prefers the last whole line; falls back to a character boundary.
 */
export function truncateTo(text: string, max: number, marker: string, size: (s: string) => number): string {
  if (size(text) <= max) return text;
  // A cut inside a fenced code block closes the block, so the markup stays whole.
  const withMarker = (head: string) => {
    const kept = head.replace(/\s+$/, '');
    const open = (kept.match(/```/g) ?? []).length % 2 === 1;
    return `${kept}${open ? '\n```' : ''}\n${marker}`;
  };
  if (size(withMarker('')) > max) return cutAtCharacters(marker, (c) => size(c) <= max);
  const fits = (head: string) => size(withMarker(head)) <= max;
  const head = cutAtCharacters(text, fits);
  const lastLine = head.lastIndexOf('\n');
  // A line boundary is used when it keeps at least half of what fits.
  const atLine = lastLine > head.length / 2 ? head.slice(0, lastLine) : head;
  return withMarker(atLine);
}

export const utf8Bytes = (s: string) => Buffer.byteLength(s);
export const codePoints = (s: string) => Array.from(s).length;
