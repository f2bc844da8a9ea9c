import { useComputed, useSignal } from '@preact/signals';
import type { Clock } from '../format.ts';
import { readQuickAdd } from '../quick-add.ts';
import type { TaskStore } from '../tasks-store.ts';
import type { Toasts } from '../toasts.ts';

/** One field: what it will save is shown as chips while typing; Enter saves and keeps the focus here. */
export function QuickAdd({ store, toasts, clock }: { store: TaskStore; toasts: Toasts; clock: () => Clock }) {
  const text = useSignal('');
  const error = useSignal('');
  const read = useComputed(() => readQuickAdd(text.value, clock()));
  const submit = async (e: Event) => {
    e.preventDefault();
    const current = read.value;
    if (current.kind !== 'task') return;
    try {
      await store.create(current.input);
      text.value = '';
      error.value = '';
      toasts.show(`Added “${current.input.title}”`);
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
    }
  };
  const r = read.value;
  return (
    <form class="quick-add" onSubmit={(e) => void submit(e)}>
      <label for="quick-add" class="visually-hidden">
        Add a task
      </label>
      <input
        id="quick-add"
        type="text"
        placeholder="Add a task: pay rent on the 1st of every month #home high priority"
        autocomplete="off"
        value={text.value}
        onInput={(e) => (text.value = e.currentTarget.value)}
        aria-describedby="quick-add-preview"
      />
      <div id="quick-add-preview" class="chips" aria-live="polite">
        {r.kind === 'task' && (
          <ul aria-label="Will be saved as">
            {r.chips.map((c) => (
              <li key={c.label} class="chip">
                <span class="chip-label">{c.label}:</span> {c.value}
              </li>
            ))}
          </ul>
        )}
        {r.kind === 'hint' && <p class="hint">{r.text}</p>}
      </div>
      {error.value && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
    </form>
  );
}
