// How the app writes dates, priorities and repeat rules, in the user's time zone. Pure: the clock
// and the zone are arguments.

export interface Clock {
  now: Date;
  timeZone: string;
}

// Building an Intl.DateTimeFormat costs far more than formatting with one (a list of 50 tasks built
// 250 of them per render, most of a live change's time in bench:web): one per locale and options.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale} ${JSON.stringify(options)}`;
  let made = formatters.get(key);
  if (!made) formatters.set(key, (made = new Intl.DateTimeFormat(locale, options)));
  return made;
}

const dayKey = (d: Date, timeZone: string) => formatter('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);

/** Whole calendar days from today to `d` in the zone (0 today, 1 tomorrow, -1 yesterday). */
export function daysFromToday(d: Date, { now, timeZone }: Clock): number {
  const utcDay = (key: string) => Date.UTC(Number(key.slice(0, 4)), Number(key.slice(5, 7)) - 1, Number(key.slice(8, 10)));
  return Math.round((utcDay(dayKey(d, timeZone)) - utcDay(dayKey(now, timeZone))) / 86_400_000);
}

/** "today 17:00", "tomorrow 09:00", "Sat 6 Dec 10:00", "6 Dec 2027 10:00". */
export function formatDue(iso: string, clock: Clock): string {
  const d = new Date(iso);
  const time = formatter('en-GB', { timeZone: clock.timeZone, hour: '2-digit', minute: '2-digit' }).format(d);
  const days = daysFromToday(d, clock);
  if (days === 0) return `today ${time}`;
  if (days === 1) return `tomorrow ${time}`;
  if (days === -1) return `yesterday ${time}`;
  const sameYear = dayKey(d, clock.timeZone).slice(0, 4) === dayKey(clock.now, clock.timeZone).slice(0, 4);
  const date = formatter('en-GB', { timeZone: clock.timeZone, weekday: Math.abs(days) < 7 ? 'short' : undefined, day: 'numeric', month: 'short', year: sameYear ? undefined : 'numeric' }).format(d);
  return `${date.replace(',', '')} ${time}`;
}

const weekdayNames: Record<string, string> = { MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday', SU: 'Sunday' };
const nth: Record<string, string> = { '1': 'first', '2': 'second', '3': 'third', '4': 'fourth', '5': 'fifth', '-1': 'last', '-2': 'second to last' };
const ordinal = (n: number) => (n === -1 ? 'last day' : `${n}${n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th'}`);

export interface RuleLike {
  freq: 'daily' | 'weekly' | 'monthly' | 'yearly' | 'cron';
  interval?: number;
  by_weekday?: string[];
  by_month_day?: number[];
  cron?: string;
  count?: number;
  until?: string;
  mode?: 'schedule' | 'on_completion';
  from?: 'due' | 'completion';
}

function weekday(entry: string): string {
  const m = /^(-?\d)?([A-Z]{2})$/.exec(entry);
  if (!m) return entry;
  const name = weekdayNames[m[2]!] ?? m[2]!;
  return m[1] ? `${nth[m[1]] ?? m[1]} ${name}` : name;
}

/** "every month on the 1st", "every 2 weeks on Monday and Friday", "every day, 5 times". */
export function describeRule(rule: RuleLike, clock?: Clock): string {
  if (rule.freq === 'cron') return `on the schedule ${rule.cron ?? ''}`.trim();
  const unit = { daily: 'day', weekly: 'week', monthly: 'month', yearly: 'year' }[rule.freq];
  const every = (rule.interval ?? 1) === 1 ? `every ${unit}` : `every ${rule.interval} ${unit}s`;
  const parts = [every];
  if (rule.by_weekday?.length) parts.push(`on ${list(rule.by_weekday.map(weekday))}`);
  if (rule.by_month_day?.length) parts.push(`on the ${list(rule.by_month_day.map(ordinal))}`);
  let text = parts.join(' ');
  if (rule.from === 'completion') text += ' after completion';
  if (rule.count) text += `, ${rule.count} times`;
  if (rule.until) text += `, until ${clock ? formatDue(rule.until, clock) : rule.until}`;
  return text;
}

const list = (items: string[]) => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}`);

/** A `datetime-local` input's value (local wall time in the browser's zone) for an instant, and back. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export const fromLocalInput = (value: string): string | null => (value ? new Date(value).toISOString() : null);
