import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatInZone, instantOf, wallOf } from './zone.ts';

const wall = (text: string) => Date.parse(`${text}Z`);
const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

describe('instantOf', () => {
  // [zone, local wall time, the instant it names, why]
  const table: [string, string, string, string][] = [
    ['Europe/Berlin', '2026-01-15T09:00:00', '2026-01-15T08:00:00Z', 'winter, +01:00'],
    ['Europe/Berlin', '2026-07-15T09:00:00', '2026-07-15T07:00:00Z', 'summer, +02:00'],
    ['Europe/Berlin', '2026-03-29T02:30:00', '2026-03-29T01:00:00Z', 'skipped: the end of the gap, 03:00 +02:00'],
    ['Europe/Berlin', '2026-03-29T02:00:00', '2026-03-29T01:00:00Z', 'skipped from its first minute'],
    ['Europe/Berlin', '2026-03-29T03:00:00', '2026-03-29T01:00:00Z', 'the first time after the gap'],
    ['Europe/Berlin', '2026-03-29T01:59:59', '2026-03-29T00:59:59Z', 'the last time before the gap'],
    ['Europe/Berlin', '2026-10-25T02:30:00', '2026-10-25T00:30:00Z', 'repeated: the first, +02:00'],
    ['Europe/Berlin', '2026-10-25T03:00:00', '2026-10-25T02:00:00Z', 'just after the repeated hour'],
    ['America/New_York', '2026-03-08T02:30:00', '2026-03-08T07:00:00Z', 'skipped: 03:00 -04:00'],
    ['America/New_York', '2026-11-01T01:30:00', '2026-11-01T05:30:00Z', 'repeated: the first, -04:00'],
    ['Australia/Lord_Howe', '2026-10-04T02:15:00', '2026-10-03T15:30:00Z', 'a half-hour gap: 02:30 +11:00'],
    ['Australia/Lord_Howe', '2026-04-05T01:45:00', '2026-04-04T14:45:00Z', 'a repeated half hour: the first, +11:00'],
    ['Asia/Kathmandu', '2026-06-01T09:00:00', '2026-06-01T03:15:00Z', '+05:45'],
    ['Pacific/Apia', '2011-12-30T09:00:00', '2011-12-30T10:00:00Z', 'a skipped day: 2011-12-31 00:00 +14:00'],
    ['America/Sao_Paulo', '2018-11-04T00:00:00', '2018-11-04T03:00:00Z', 'midnight skipped: 01:00 -02:00'],
    ['Africa/Monrovia', '1971-03-30T09:00:00', '1971-03-30T09:44:30Z', '-00:44:30, under an hour west'],
  ];
  for (const [zone, local, instant, why] of table) {
    it(`reads ${local} in ${zone} as ${instant} (${why})`, () => {
      assert.equal(iso(instantOf(wall(local), zone)), instant);
    });
  }

  it('round-trips every existing wall time of a DST-change day, and maps skipped ones into order', () => {
    let previous = -Infinity;
    for (let w = wall('2026-03-29T00:00:00'); w < wall('2026-03-30T00:00:00'); w += 60_000) {
      const t = instantOf(w, 'Europe/Berlin');
      assert.ok(t >= previous, `out of order at ${iso(w)}`);
      if (wallOf(t, 'Europe/Berlin') !== w) assert.equal(iso(t), '2026-03-29T01:00:00Z');
      previous = t;
    }
  });
});

describe('formatInZone', () => {
  const table: [string, string, string][] = [
    ['2026-03-30T07:00:00Z', 'Europe/Berlin', '2026-03-30T09:00:00+02:00'],
    ['2026-01-30T08:00:00Z', 'Europe/Berlin', '2026-01-30T09:00:00+01:00'],
    ['2026-01-30T08:00:00Z', 'UTC', '2026-01-30T08:00:00+00:00'],
    ['2026-01-30T08:00:00Z', 'America/New_York', '2026-01-30T03:00:00-05:00'],
    ['2026-01-30T03:15:00Z', 'Asia/Kathmandu', '2026-01-30T09:00:00+05:45'],
    ['2026-01-30T08:00:00Z', 'America/St_Johns', '2026-01-30T04:30:00-03:30'],
    ['2026-10-25T00:30:00Z', 'Europe/Berlin', '2026-10-25T02:30:00+02:00'],
    ['2026-10-25T01:30:00Z', 'Europe/Berlin', '2026-10-25T02:30:00+01:00'],
    ['2026-01-30T08:00:00.999Z', 'UTC', '2026-01-30T08:00:00+00:00'],
    // -00:44:30 has seconds ISO 8601 cannot write: the minute-rounded offset still names the instant.
    ['1971-03-30T07:00:00Z', 'Africa/Monrovia', '1971-03-30T06:16:00-00:44'],
  ];
  for (const [instant, zone, text] of table) {
    it(`writes ${instant} in ${zone} as ${text}`, () => {
      assert.equal(formatInZone(new Date(instant), zone), text);
      assert.equal(Date.parse(text), Math.floor(Date.parse(instant) / 1000) * 1000);
    });
  }
});
