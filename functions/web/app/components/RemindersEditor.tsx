import type { Signal } from '@preact/signals';
import type { ReminderForm, Unit } from '../recurrence-form.ts';

/** Each reminder: an amount and unit before the due time, or an absolute time. */
export function RemindersEditor({ items }: { items: Signal<ReminderForm[]> }) {
  const update = (i: number, next: ReminderForm) => (items.value = items.value.map((r, j) => (j === i ? next : r)));
  return (
    <fieldset class="reminders">
      <legend>Reminders</legend>
      {items.value.map((r, i) => (
        <div key={i} class="reminder" role="group" aria-label={`Reminder ${i + 1}`}>
          <select aria-label="When" value={r.kind} onChange={(e) => update(i, e.currentTarget.value === 'at' ? { kind: 'at', at: '' } : { kind: 'before', amount: 30, unit: 'minutes' })}>
            <option value="before">Before the due time</option>
            <option value="at">At a time</option>
          </select>
          {r.kind === 'before' ? (
            <>
              <input type="number" min={1} aria-label="Amount" value={r.amount} onInput={(e) => update(i, { ...r, amount: Number(e.currentTarget.value) })} />
              <select aria-label="Unit" value={r.unit} onChange={(e) => update(i, { ...r, unit: e.currentTarget.value as Unit })}>
                <option value="minutes">minutes</option>
                <option value="hours">hours</option>
                <option value="days">days</option>
              </select>
            </>
          ) : (
            <input type="datetime-local" aria-label="Remind at" value={r.at} onInput={(e) => update(i, { kind: 'at', at: e.currentTarget.value })} />
          )}
          <button type="button" aria-label={`Remove reminder ${i + 1}`} onClick={() => (items.value = items.value.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" onClick={() => (items.value = [...items.value, { kind: 'before', amount: 30, unit: 'minutes' }])}>
        Add a reminder
      </button>
    </fieldset>
  );
}
