/** SPEC §9.1: a list is a YAML list or one string separated by `;`, `,` or newlines. */
export function splitList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[;,\r\n]+/) : [value];
  return items
    .filter((item) => item !== null && item !== undefined)
    .map((item) => String(item).trim())
    .filter((item) => item !== '');
}
