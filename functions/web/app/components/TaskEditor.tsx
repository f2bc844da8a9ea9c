import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { ApiError, type Api } from '../api.ts';
import { type Clock, fromLocalInput, toLocalInput } from '../format.ts';
import { type ReminderForm, type RuleForm, formOf, noRule, reminderForm, reminderInput, ruleOf } from '../recurrence-form.ts';
import { RecurrenceEditor } from './RecurrenceEditor.tsx';
import { RemindersEditor } from './RemindersEditor.tsx';
import type { Task, TaskPatch, TaskStore } from '../tasks-store.ts';
import type { Toasts } from '../toasts.ts';

const priorities = ['low', 'medium', 'high', 'critical'] as const;

interface Draft {
  title: string;
  description: string;
  due: string;
  priority: Task['priority'];
  tags: string;
}

const draftOf = (t: Task): Draft => ({ title: t.title, description: t.description, due: toLocalInput(t.due_at), priority: t.priority, tags: t.tags.join(', ') });

/** What the draft changes on the task: only those fields are sent, so a concurrent change to another field is not undone. */
function changes(task: Task, d: Draft): TaskPatch {
  const tags = d.tags.split(',').map((t) => t.trim()).filter(Boolean);
  const due = fromLocalInput(d.due);
  return {
    ...(d.title !== task.title ? { title: d.title } : {}),
    ...(d.description !== task.description ? { description: d.description } : {}),
    ...(d.priority !== task.priority ? { priority: d.priority } : {}),
    ...(toLocalInput(due) !== toLocalInput(task.due_at) ? { due_at: due } : {}),
    ...(tags.join(',') !== task.tags.join(',') ? { tags } : {}),
  };
}

interface Template {
  id: string;
  active: boolean;
  recurrence: Record<string, unknown>;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The task's editor, a native modal dialog. A save sends the changed fields with If-Match (a 409
 * shows the task as it is now), the series' rule among them when it changed (`recurrence`: a rule
 * starts or changes the series, null stops it), then the reminders when they changed (PUT).
 */
export function TaskEditor({ task, store, toasts, api, clock, onClose }: { task: Task; store: TaskStore; toasts: Toasts; api: Api; clock: () => Clock; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const base = useSignal(task);
  const draft = useSignal<Draft>(draftOf(task));
  const error = useSignal('');
  const conflict = useSignal<Task | null>(null);
  const reminders = useSignal<ReminderForm[]>([]);
  const savedReminders = useSignal<ReminderForm[]>([]);
  const template = useSignal<Template | null>(null);
  const rule = useSignal<RuleForm>(noRule);
  useEffect(() => {
    ref.current?.showModal();
    api.get<{ items: { offset: string | null; at: string | null; status: string }[] }>(`/api/tasks/${task.id}/reminders`).then(({ body }) => {
      const forms = body.items.filter((r) => r.status !== 'sent').map(reminderForm);
      reminders.value = forms;
      savedReminders.value = forms;
    }, () => undefined);
    if (task.recurring_task_id) {
      api.get<Template>(`/api/recurring-tasks/${task.recurring_task_id}`).then(({ body }) => {
        if (!body.active) return;
        template.value = body;
        rule.value = formOf(body.recurrence);
      }, () => undefined);
    }
  }, []);
  const field = <K extends keyof Draft>(key: K) => (value: Draft[K]) => (draft.value = { ...draft.value, [key]: value });

  const save = async (e: Event) => {
    e.preventDefault();
    const patch = changes(base.value, draft.value);
    if (!same(rule.value, template.value ? formOf(template.value.recurrence) : noRule)) patch.recurrence = ruleOf(rule.value);
    try {
      if (Object.keys(patch).length > 0) await store.update(base.value, patch);
      if (!same(reminders.value, savedReminders.value)) {
        await api.call('PUT', `/api/tasks/${task.id}/reminders`, reminders.value.map(reminderInput).filter(Boolean));
      }
      toasts.show(`Saved “${draft.value.title}”`);
      onClose();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.details[0] && Object.keys(patch).length > 0) {
        conflict.value = err.details[0] as Task;
        error.value = '';
      } else {
        const detail = err instanceof ApiError ? (err.details[0] as { path?: string; message?: string } | undefined) : undefined;
        error.value = detail?.message ? `${detail.path ?? ''} ${detail.message}`.trim() : err instanceof Error ? err.message : String(err);
      }
    }
  };
  /** Take the current version as the base, keeping the user's edits to apply over it. */
  const rebase = () => {
    const before = draftOf(base.value);
    const mine = (Object.keys(before) as (keyof Draft)[]).filter((k) => draft.value[k] !== before[k]);
    draft.value = { ...draftOf(conflict.value!), ...Object.fromEntries(mine.map((k) => [k, draft.value[k]])) };
    base.value = conflict.value!;
    store.replace(conflict.value!);
    conflict.value = null;
  };
  const d = draft.value;
  return (
    <dialog ref={ref} class="editor" aria-labelledby="editor-title" onClose={onClose}>
      <form onSubmit={(e) => void save(e)}>
        <h2 id="editor-title">Edit task</h2>
        <label>
          Title
          <input required value={d.title} onInput={(e) => field('title')(e.currentTarget.value)} />
        </label>
        <label>
          Description
          <textarea rows={3} value={d.description} onInput={(e) => field('description')(e.currentTarget.value)} />
        </label>
        <label>
          Due
          <input type="datetime-local" value={d.due} onInput={(e) => field('due')(e.currentTarget.value)} />
        </label>
        <label>
          Priority
          <select value={d.priority} onChange={(e) => field('priority')(e.currentTarget.value as Task['priority'])}>
            {priorities.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label>
          Tags (comma separated)
          <input list="known-tags" value={d.tags} onInput={(e) => field('tags')(e.currentTarget.value)} />
        </label>
        <RemindersEditor items={reminders} />
        <RecurrenceEditor form={rule} start={fromLocalInput(draft.value.due) ?? task.due_at} api={api} clock={clock} />
        {rule.value.freq !== 'none' && !fromLocalInput(draft.value.due) && <p class="hint">A series starts at the due time: give the task one.</p>}
        {template.value && rule.value.freq !== 'none' && (
          <button type="button" onClick={() => (rule.value = noRule)}>
            Stop repeating
          </button>
        )}
        {conflict.value && (
          <div role="alert" class="conflict">
            <p>This task was changed elsewhere. It now reads:</p>
            <p>
              <strong>{conflict.value.title}</strong>, priority {conflict.value.priority}
              {conflict.value.due_at ? `, due ${new Date(conflict.value.due_at).toLocaleString()}` : ''} (version {conflict.value.version})
            </p>
            <button type="button" onClick={rebase}>
              Keep my changes over it
            </button>
          </div>
        )}
        {error.value && (
          <p role="alert" class="error">
            {error.value}
          </p>
        )}
        <div class="actions">
          <button type="submit" class="primary">
            Save
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
