import { describe, expect, it } from 'vitest';
import { formatTime, isTimeZone, unixSeconds } from '../src/time.js';

const T = Date.UTC(2026, 10, 20, 8, 0, 2) / 1000; // 2026-11-20 08:00:02 UTC
const SUMMER = Date.UTC(2026, 6, 1, 8, 0, 2) / 1000; // 2026-07-01 08:00:02 UTC

describe('formatTime', () => {
  it.each([
    [T, 'UTC', '2026-11-20 08:00:02 UTC'],
    [T, 'Asia/Shanghai', '2026-11-20 16:00:02 +08:00'],
    [T, 'America/Los_Angeles', '2026-11-20 00:00:02 -08:00'],
    [SUMMER, 'America/Los_Angeles', '2026-07-01 01:00:02 -07:00'],
    [T, 'Asia/Kolkata', '2026-11-20 13:30:02 +05:30'],
    [T, 'Europe/London', '2026-11-20 08:00:02 UTC'],
    [SUMMER, 'Europe/London', '2026-07-01 09:00:02 +01:00'],
    [Date.UTC(2026, 11, 31, 20, 0, 0) / 1000, 'Pacific/Kiritimati', '2027-01-01 10:00:00 +14:00'],
  ])('shows %i in %s as %s, whatever the host zone', (seconds, zone, shown) => {
    expect(formatTime(seconds, zone)).toBe(shown);
  });

  it('defaults to UTC and shows nothing for an unknown time', () => {
    expect(formatTime(T)).toBe('2026-11-20 08:00:02 UTC');
    expect(formatTime(0, 'Asia/Shanghai')).toBe('');
  });
});

describe('isTimeZone', () => {
  it.each([
    ['UTC', true],
    ['Asia/Shanghai', true],
    ['America/Los_Angeles', true],
    ['Mars/Olympus_Mons', false],
    ['', false],
    ['constructor', false],
  ])('%s → %s', (name, known) => {
    expect(isTimeZone(name)).toBe(known);
  });
});

describe('unixSeconds', () => {
  it('reads a time without a zone as UTC, never in the host zone', () => {
    expect(unixSeconds('2026-11-20T08:00:02')).toBe(T);
    expect(unixSeconds('2026-11-20T08:00:02.250')).toBe(T);
    expect(unixSeconds('2026-11-20T08:00:02Z')).toBe(T);
    expect(unixSeconds('2026-11-20T16:00:02+08:00')).toBe(T);
    expect(unixSeconds('not a time')).toBe(0);
    expect(unixSeconds(null)).toBe(0);
  });
});
