import type { RuleLike } from './format.ts';
import { fromLocalInput, toLocalInput } from './format.ts';

// The recurrence editor's fields, and the rule (RFC 5545 names, as the API takes it) they stand
// for, both ways. Pure, so the round trip is tested without a browser.

export const weekdays = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

export interface RuleForm {
  freq: 'none' | 'daily' | 'weekly' | 'monthly' | 'yearly';
  interval: number;
  /** weekly: the days it falls on (none: the start's weekday). */
  weekdays: string[];
  /** monthly: on a day of the month, or on the nth weekday. */
  monthly: 'day' | 'weekday';
  monthDay: number;
  nth: number;
  nthWeekday: string;
  end: 'never' | 'until' | 'count';
  /** A datetime-local value. */
  until: string;
  count: number;
  mode: 'schedule' | 'on_completion';
  fromCompletion: boolean;
}

export type Rule = RuleLike & { mode?: 'schedule' | 'on_completion'; timezone?: string };

export const noRule: RuleForm = { freq: 'none', interval: 1, weekdays: [], monthly: 'day', monthDay: 1, nth: 1, nthWeekday: 'MO', end: 'never', until: '', count: 10, mode: 'on_completion', fromCompletion: false };

export function ruleOf(form: RuleForm): Rule | null {
  if (form.freq === 'none') return null;
  const rule: Rule = { freq: form.freq, interval: Math.max(1, Math.floor(form.interval) || 1), mode: form.mode, from: form.fromCompletion ? 'completion' : 'due' };
  if (form.freq === 'weekly' && form.weekdays.length > 0) rule.by_weekday = weekdays.filter((d) => form.weekdays.includes(d));
  if (form.freq === 'monthly') {
    if (form.monthly === 'day') rule.by_month_day = [form.monthDay];
    else rule.by_weekday = [`${form.nth}${form.nthWeekday}`];
  }
  if (form.end === 'until' && form.until) rule.until = fromLocalInput(form.until)!;
  if (form.end === 'count') rule.count = Math.max(1, Math.floor(form.count) || 1);
  return rule;
}

export function formOf(rule: Record<string, unknown> | null | undefined): RuleForm {
  if (!rule || typeof rule.freq !== 'string' || rule.freq === 'cron') return noRule;
  const r = rule as unknown as Rule;
  const nthEntry = r.freq === 'monthly' ? r.by_weekday?.map((e) => /^(-?\d)([A-Z]{2})$/.exec(e)).find(Boolean) : undefined;
  return {
    ...noRule,
    freq: r.freq as RuleForm['freq'],
    interval: r.interval ?? 1,
    weekdays: r.freq === 'weekly' ? (r.by_weekday ?? []) : [],
    monthly: nthEntry ? 'weekday' : 'day',
    monthDay: r.by_month_day?.[0] ?? 1,
    nth: nthEntry ? Number(nthEntry[1]) : 1,
    nthWeekday: nthEntry ? nthEntry[2]! : 'MO',
    end: r.until ? 'until' : r.count ? 'count' : 'never',
    until: toLocalInput(r.until ?? null),
    count: r.count ?? 10,
    mode: r.mode ?? 'on_completion',
    fromCompletion: r.from === 'completion',
  };
}

// Reminders: an offset before the due time (an ISO 8601 duration) or an absolute time.
export type Unit = 'minutes' | 'hours' | 'days';
export type ReminderForm = { kind: 'before'; amount: number; unit: Unit } | { kind: 'at'; at: string };

export function reminderForm(r: { offset: string | null; at: string | null }): ReminderForm {
  if (r.at) return { kind: 'at', at: toLocalInput(r.at) };
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(r.offset ?? '');
  const [days, hours, minutes] = [Number(m?.[1] ?? 0), Number(m?.[2] ?? 0), Number(m?.[3] ?? 0)];
  const total = days * 1440 + hours * 60 + minutes;
  if (total > 0 && total % 1440 === 0) return { kind: 'before', amount: total / 1440, unit: 'days' };
  if (total > 0 && total % 60 === 0) return { kind: 'before', amount: total / 60, unit: 'hours' };
  return { kind: 'before', amount: total, unit: 'minutes' };
}

export function reminderInput(f: ReminderForm): { offset: string } | { at: string } | null {
  if (f.kind === 'at') return f.at ? { at: fromLocalInput(f.at)! } : null;
  const amount = Math.floor(f.amount);
  if (!(amount > 0)) return null;
  return { offset: f.unit === 'days' ? `P${amount}D` : f.unit === 'hours' ? `PT${amount}H` : `PT${amount}M` };
}
