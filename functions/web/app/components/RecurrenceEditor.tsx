import { type Signal, useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { ApiError, type Api } from '../api.ts';
import { type Clock, formatDue } from '../format.ts';
import { type RuleForm, ruleOf, weekdays } from '../recurrence-form.ts';

const dayNames: Record<string, string> = { MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday', SU: 'Sunday' };
const units: Record<string, string> = { daily: 'days', weekly: 'weeks', monthly: 'months', yearly: 'years' };

/** Frequency, interval, weekdays, nth weekday or month day, the end, the mode; the next five dates from the API as it changes. */
export function RecurrenceEditor({ form, start, api, clock }: { form: Signal<RuleForm>; start: string | null; api: Api; clock: () => Clock }) {
  const next = useSignal<string[]>([]);
  const problem = useSignal('');
  const f = form.value;
  const set = (change: Partial<RuleForm>) => (form.value = { ...form.value, ...change });
  const rule = ruleOf(f);
  const key = JSON.stringify([rule, start]);

  useEffect(() => {
    if (!rule) {
      next.value = [];
      problem.value = '';
      return;
    }
    let current = true;
    api
      .post<{ occurrences: string[] }>('/api/recurrence/preview', { recurrence: rule, start: start ?? new Date().toISOString(), count: 5 })
      .then(
        ({ body }) => {
          if (!current) return;
          next.value = body.occurrences;
          problem.value = '';
        },
        (err: unknown) => {
          if (!current) return;
          next.value = [];
          const detail = err instanceof ApiError ? (err.details[0] as { path?: string; message?: string } | undefined) : undefined;
          problem.value = detail?.message ? `${detail.path ?? ''} ${detail.message}`.trim() : err instanceof Error ? err.message : String(err);
        },
      );
    return () => {
      current = false;
    };
  }, [key]);

  return (
    <fieldset class="recurrence">
      <legend>Repeat</legend>
      <label>
        Repeats
        <select value={f.freq} onChange={(e) => set({ freq: e.currentTarget.value as RuleForm['freq'] })}>
          <option value="none">Does not repeat</option>
          <option value="daily">Daily</option>
          <option value="weekly">Weekly</option>
          <option value="monthly">Monthly</option>
          <option value="yearly">Yearly</option>
        </select>
      </label>
      {f.freq !== 'none' && (
        <>
          <label>
            Every ({units[f.freq]})
            <input type="number" min={1} max={1000} value={f.interval} onInput={(e) => set({ interval: Number(e.currentTarget.value) })} />
          </label>
          {f.freq === 'weekly' && (
            <fieldset class="weekdays">
              <legend>On days</legend>
              {weekdays.map((d) => (
                <label key={d}>
                  <input
                    type="checkbox"
                    checked={f.weekdays.includes(d)}
                    onChange={(e) => set({ weekdays: e.currentTarget.checked ? [...f.weekdays, d] : f.weekdays.filter((x) => x !== d) })}
                  />
                  {dayNames[d]}
                </label>
              ))}
            </fieldset>
          )}
          {f.freq === 'monthly' && (
            <fieldset>
              <legend>On</legend>
              <label>
                <input type="radio" name="monthly" checked={f.monthly === 'day'} onChange={() => set({ monthly: 'day' })} /> a day of the month
              </label>
              <label>
                <input type="radio" name="monthly" checked={f.monthly === 'weekday'} onChange={() => set({ monthly: 'weekday' })} /> a weekday of the month
              </label>
              {f.monthly === 'day' ? (
                <label>
                  Day of the month (-1 for the last)
                  <input type="number" min={-31} max={31} value={f.monthDay} onInput={(e) => set({ monthDay: Number(e.currentTarget.value) })} />
                </label>
              ) : (
                <>
                  <label>
                    Which
                    <select value={String(f.nth)} onChange={(e) => set({ nth: Number(e.currentTarget.value) })}>
                      {[
                        ['1', 'first'],
                        ['2', 'second'],
                        ['3', 'third'],
                        ['4', 'fourth'],
                        ['-1', 'last'],
                      ].map(([v, l]) => (
                        <option key={v} value={v}>
                          {l}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label>
                    Weekday
                    <select value={f.nthWeekday} onChange={(e) => set({ nthWeekday: e.currentTarget.value })}>
                      {weekdays.map((d) => (
                        <option key={d} value={d}>
                          {dayNames[d]}
                        </option>
                      ))}
                    </select>
                  </label>
                </>
              )}
            </fieldset>
          )}
          <label>
            Ends
            <select value={f.end} onChange={(e) => set({ end: e.currentTarget.value as RuleForm['end'] })}>
              <option value="never">Never</option>
              <option value="until">On a date</option>
              <option value="count">After a number of times</option>
            </select>
          </label>
          {f.end === 'until' && (
            <label>
              End date
              <input type="datetime-local" value={f.until} onInput={(e) => set({ until: e.currentTarget.value })} />
            </label>
          )}
          {f.end === 'count' && (
            <label>
              Times
              <input type="number" min={1} max={1000} value={f.count} onInput={(e) => set({ count: Number(e.currentTarget.value) })} />
            </label>
          )}
          <label>
            Next task
            <select value={f.mode} onChange={(e) => set({ mode: e.currentTarget.value as RuleForm['mode'] })}>
              <option value="on_completion">when this one is completed</option>
              <option value="schedule">on schedule, done or not</option>
            </select>
          </label>
          <label class="inline">
            <input type="checkbox" checked={f.fromCompletion} onChange={(e) => set({ fromCompletion: e.currentTarget.checked })} /> Count from completion
          </label>
          <div aria-live="polite">
            {problem.value ? (
              <p role="alert" class="error">
                {problem.value}
              </p>
            ) : (
              <>
              <h3 id="next-dates" class="next-dates-title">Next dates</h3>
              <ol class="next-dates" aria-labelledby="next-dates">
                {next.value.map((d) => (
                  <li key={d}>{formatDue(d, clock())}</li>
                ))}
              </ol>
              </>
            )}
          </div>
        </>
      )}
    </fieldset>
  );
}
