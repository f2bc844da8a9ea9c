// How the assistant writes dates and titles: short, in the user's time zone.

const formats = new Map<string, Intl.DateTimeFormat>();

/** "Tue 24 Nov, 17:00" in the time zone. */
export function formatWhen(iso: string, timeZone: string): string {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, format);
  }
  return format.format(new Date(iso));
}

export const quote = (title: string): string => `“${title}”`;

/** A task in a list or a question: its title, and its due time when it has one. */
export const label = (task: { title: string; due_at: string | null }, timeZone: string): string =>
  task.due_at ? `${quote(task.title)} (due ${formatWhen(task.due_at, timeZone)})` : quote(task.title);
