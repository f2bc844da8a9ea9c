import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { Settings } from '../../../../shared/domain/settings.ts';
import { ApiError, type Api } from '../api.ts';
import { type ReminderForm, type Unit, reminderForm, reminderInput } from '../recurrence-form.ts';

const channels = [
  ['in_app', 'In the app'],
  ['email', 'Email'],
  ['webhook', 'Webhook'],
] as const;

interface Draft {
  timezone: string;
  email: string;
  webhook_url: string;
  channels: string[];
  offset: ReminderForm & { kind: 'before' };
  hasOffset: boolean;
}

const draftOf = (s: Settings): Draft => {
  const offset = s.default_reminder_offset ? reminderForm({ offset: s.default_reminder_offset, at: null }) : null;
  return {
    timezone: s.timezone,
    email: s.email ?? '',
    webhook_url: s.webhook_url ?? '',
    channels: [...s.channels],
    offset: offset?.kind === 'before' ? offset : { kind: 'before', amount: 30, unit: 'minutes' },
    hasOffset: offset !== null,
  };
};

/** What the draft changes, for PATCH: one change never resets the other settings. */
function patchOf(saved: Draft, d: Draft): Record<string, unknown> {
  const offset = (x: Draft) => (x.hasOffset ? ((reminderInput(x.offset) as { offset: string } | null)?.offset ?? null) : null);
  const patch: Record<string, unknown> = {};
  if (d.timezone !== saved.timezone) patch.timezone = d.timezone;
  if (d.email !== saved.email) patch.email = d.email || null;
  if (d.webhook_url !== saved.webhook_url) patch.webhook_url = d.webhook_url || null;
  if (d.channels.join() !== saved.channels.join()) patch.channels = d.channels;
  if (offset(d) !== offset(saved)) patch.default_reminder_offset = offset(d);
  return patch;
}

export function SettingsPage({ api, onTimeZone }: { api: Api; onTimeZone: (zone: string) => void }) {
  const saved = useSignal<Draft | null>(null);
  const draft = useSignal<Draft | null>(null);
  const message = useSignal('');
  const error = useSignal('');
  useEffect(() => {
    api.get<Settings>('/api/me/settings').then(({ body }) => (saved.value = draft.value = draftOf(body)), (err: unknown) => (error.value = String(err)));
  }, []);
  const d = draft.value;
  if (!d) return <main id="main"><h2>Settings</h2></main>;
  const set = (change: Partial<Draft>) => (draft.value = { ...d, ...change });
  const save = async (e: Event) => {
    e.preventDefault();
    const patch = patchOf(saved.value!, d);
    if (Object.keys(patch).length === 0) return;
    try {
      const { body } = await api.patch<Settings>('/api/me/settings', patch);
      saved.value = draft.value = draftOf(body);
      onTimeZone(body.timezone);
      error.value = '';
      message.value = 'Settings saved.';
    } catch (err) {
      const detail = err instanceof ApiError ? (err.details[0] as { path?: string; message?: string } | undefined) : undefined;
      error.value = detail?.message ? `${detail.path ?? ''} ${detail.message}`.trim() : String(err);
      message.value = '';
    }
  };
  return (
    <main id="main" class="settings">
      <h2>Settings</h2>
      <form onSubmit={(e) => void save(e)}>
        <label>
          Time zone
          <input list="time-zones" value={d.timezone} onInput={(e) => set({ timezone: e.currentTarget.value })} />
        </label>
        <datalist id="time-zones">
          {Intl.supportedValuesOf('timeZone').map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <label>
          Email
          <input type="email" value={d.email} onInput={(e) => set({ email: e.currentTarget.value })} />
        </label>
        <label>
          Webhook URL
          <input type="url" value={d.webhook_url} onInput={(e) => set({ webhook_url: e.currentTarget.value })} />
        </label>
        <fieldset>
          <legend>Send reminders</legend>
          {channels.map(([value, label]) => (
            <label key={value} class="inline">
              <input type="checkbox" checked={d.channels.includes(value)} onChange={(e) => set({ channels: e.currentTarget.checked ? [...d.channels, value] : d.channels.filter((c) => c !== value) })} />
              {label}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Default reminder for new tasks with a due time</legend>
          <label class="inline">
            <input type="checkbox" checked={d.hasOffset} onChange={(e) => set({ hasOffset: e.currentTarget.checked })} /> Remind me before
          </label>
          {d.hasOffset && (
            <div class="reminder">
              <input type="number" min={1} aria-label="Amount" value={d.offset.amount} onInput={(e) => set({ offset: { ...d.offset, amount: Number(e.currentTarget.value) } })} />
              <select aria-label="Unit" value={d.offset.unit} onChange={(e) => set({ offset: { ...d.offset, unit: e.currentTarget.value as Unit } })}>
                <option value="minutes">minutes</option>
                <option value="hours">hours</option>
                <option value="days">days</option>
              </select>
            </div>
          )}
        </fieldset>
        {error.value && (
          <p role="alert" class="error">
            {error.value}
          </p>
        )}
        {message.value && <p role="status">{message.value}</p>}
        <button type="submit" class="primary">
          Save settings
        </button>
      </form>
    </main>
  );
}
