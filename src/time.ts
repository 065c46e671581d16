// Times from CI APIs and for messages: never read in, or shown in, the host's time zone.

/** An ISO time as Unix seconds; 0 when missing or unreadable (SPEC §5). */
export function unixSeconds(iso: string | null | undefined): number {
  if (!iso) return 0;
  // A date-time without a zone would be read in the host's zone: CI APIs mean UTC.
  const zoned = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(iso.trim()) ? `${iso.trim()}Z` : iso;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

export function firstLine(text: string | null | undefined): string {
  return (text ?? '').split(/\r?\n/, 1)[0]?.trim() ?? '';
}

export const DEFAULT_TIME_ZONE = 'UTC';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone (building one costs more than formatting a thousand times). */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether `name` is a time zone this Node knows (an IANA name such as `Asia/Shanghai`, or `UTC`). */
export function isTimeZone(name: string): boolean {
  if (name === DEFAULT_TIME_ZONE) return true;
  if (name.trim() === '') return false;
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * `2026-11-20 08:00:02 UTC`, or `2026-11-20 16:00:02 +08:00` in Asia/Shanghai: the wall time in
 * `timeZone` and its offset ('UTC' when the offset is zero); '' for 0 (unknown).
 */
export function formatTime(unixSeconds: number, timeZone: string = DEFAULT_TIME_ZONE): string {
  if (!unixSeconds) return '';
  const instant = unixSeconds * 1000;
  // UTC needs no time-zone data: Intl's first use costs about 11 ms of a run.
  if (timeZone === DEFAULT_TIME_ZONE) {
    const d = new Date(Math.floor(instant / 1000) * 1000);
    const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    return `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
  }
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const offsetMinutes = Math.round((wall - Math.floor(instant / 1000) * 1000) / 60_000);
  const local = `${pad(year, 4)}-${pad(month)}-${pad(day)} ${pad(hour)}:${pad(minute)}:${pad(second)}`;
  if (offsetMinutes === 0) return `${local} UTC`;
  const sign = offsetMinutes > 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  return `${local} ${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
