// Safe readers for JSON from outside (event files, API answers): a missing field, a null or a
// value of the wrong type reads as empty, never as a crash.

export type Json = unknown;

export function field(value: Json, ...path: string[]): Json {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, Json>)[key];
  }
  return current;
}

export function text(value: Json, ...path: string[]): string {
  const v = field(value, ...path);
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

export function num(value: Json, ...path: string[]): number {
  const v = field(value, ...path);
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : 0;
}

export function list(value: Json, ...path: string[]): Json[] {
  const v = field(value, ...path);
  return Array.isArray(v) ? v : [];
}
