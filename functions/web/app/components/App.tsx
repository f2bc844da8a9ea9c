import { signal, useSignal } from '@preact/signals';
import { useEffect, useMemo } from 'preact/hooks';
import type { Api } from '../api.ts';
import type { AuthSettings } from '../auth-settings.ts';
import type { Clock } from '../format.ts';
import { type Command, commandFor } from '../keyboard.ts';
import { type Change, type LiveState, type SyncClientLike, type SyncClientOptions, startLive } from '../live.ts';
import { notificationToasts } from '../notifications.ts';
import type { SessionStore } from '../session.ts';
import { type Task, type TaskStore, createTaskStore } from '../tasks-store.ts';
import { createToasts } from '../toasts.ts';
import { ActivityPage } from './ActivityPage.tsx';
import { ChatPanel } from './ChatPanel.tsx';
import { Filters } from './Filters.tsx';
import { SettingsPage } from './SettingsPage.tsx';
import { LiveIndicator } from './LiveIndicator.tsx';
import { QuickAdd } from './QuickAdd.tsx';
import { ShortcutsHelp } from './ShortcutsHelp.tsx';
import { SignIn } from './SignIn.tsx';
import { TaskEditor } from './TaskEditor.tsx';
import { TaskList, listActions } from './TaskList.tsx';
import { Toasts } from './Toasts.tsx';

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
/** The user's time zone (their settings'), in which dates are shown, read and repeated. */
const timeZone = signal(browserZone());
const clock = (): Clock => ({ now: new Date(), timeZone: timeZone.value });

/**
 * Takes the zone from the user's settings; settings never saved get the browser's zone, so rules
 * the server resolves in the settings' zone fall where the user sees them.
 */
type Route = 'tasks' | 'activity' | 'settings';
const routeOf = (hash: string): Route => (hash === '#/activity' ? 'activity' : hash === '#/settings' ? 'settings' : 'tasks');
const route = signal<Route>(routeOf(location.hash));
addEventListener('hashchange', () => (route.value = routeOf(location.hash)));

async function loadTimeZone(api: Api): Promise<void> {
  const { body } = await api.get<{ timezone: string; updated_at: string | null }>('/api/me/settings');
  if (body.updated_at !== null) {
    timeZone.value = body.timezone;
    return;
  }
  const saved = await api.patch<{ timezone: string }>('/api/me/settings', { timezone: browserZone() });
  timeZone.value = saved.body.timezone;
}

function focusRow(store: TaskStore, index: number) {
  store.selected.value = index;
  document.querySelector<HTMLElement>(`li[data-index="${index}"] .task-title`)?.focus();
}

/** shared/sync/client.ts's createSyncClient, given by main.tsx; without it the page is not live. */
export type CreateSyncClient = (options: SyncClientOptions) => SyncClientLike;

function Tasks({ api, user, token, createSyncClient, onSignOut }: { api: Api; user: string; token: () => string; createSyncClient?: CreateSyncClient; onSignOut: () => void }) {
  const { store, toasts, tags } = useMemo(() => ({ store: createTaskStore({ api, clock }), toasts: createToasts(), tags: signal<string[]>([]) }), [api]);
  const editing = useSignal<Task | null>(null);
  const help = useSignal(false);
  const live = useSignal<LiveState | null>(null);
  const actions = listActions(store, toasts, (task) => (editing.value = task));

  useEffect(() => {
    void loadTimeZone(api)
      .catch(() => undefined)
      .then(() => store.load())
      // The first list on screen, for bench:web's time to a usable list (performance.getEntriesByName).
      .then(() => requestAnimationFrame(() => performance.mark('taskfn:list-shown')));
    // The editor's and the filter's tag completion; without it they are plain text fields.
    api.get<{ items: { name: string }[] }>('/api/tags').then(
      ({ body }) => (tags.value = body.items.map((t) => t.name)),
      () => undefined,
    );
  }, [store]);

  useEffect(() => {
    if (!createSyncClient) return;
    const notify = notificationToasts(api, toasts);
    const onChanges = (changes: Change[]) => {
      void store.applyChanges(changes);
      notify(changes);
      // When this tab last applied a change (background tabs do not repaint): bench:web reads it.
      document.documentElement.dataset.changeAppliedAt = String(performance.timeOrigin + performance.now());
    };
    const sync = startLive({ user, token, createClient: createSyncClient, onChanges, locks: navigator.locks, channel: (name) => new BroadcastChannel(name), isOnline: () => navigator.onLine });
    const unwatch = sync.state.subscribe((state) => (live.value = state));
    const network = () => sync.networkChanged(navigator.onLine);
    addEventListener('online', network);
    addEventListener('offline', network);
    return () => {
      unwatch();
      removeEventListener('online', network);
      removeEventListener('offline', network);
      void sync.stop();
    };
  }, [store]);

  useEffect(() => {
    const run = (command: Command) => {
      const list = store.tasks.value;
      const current = list[store.selected.value];
      switch (command) {
        case 'quick-add':
          return document.getElementById('quick-add')?.focus();
        case 'search':
          return document.getElementById('search')?.focus();
        case 'next':
          return list.length > 0 && focusRow(store, Math.min(store.selected.value + 1, list.length - 1));
        case 'previous':
          return list.length > 0 && focusRow(store, Math.max(store.selected.value - 1, 0));
        case 'complete':
          return current && actions.complete(current);
        case 'edit':
          return current && (editing.value = current);
        case 'help':
          return (help.value = true);
      }
    };
    const onKey = (e: KeyboardEvent) => {
      if (route.value !== 'tasks') return;
      const target = e.target instanceof HTMLElement ? e.target : null;
      const command = commandFor({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, target, inDialog: document.querySelector('dialog[open]') !== null });
      if (!command) return;
      e.preventDefault();
      run(command);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [store]);

  return (
    <>
      <header class="top">
        <h1>taskfn</h1>
        <nav aria-label="Pages">
          {(
            [
              ['tasks', '#/', 'Tasks'],
              ['activity', '#/activity', 'Activity'],
              ['settings', '#/settings', 'Settings'],
            ] as const
          ).map(([name, href, label]) => (
            <a key={name} href={href} aria-current={route.value === name ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        {live.value && <LiveIndicator state={live.value} />}
        <span class="who">Signed in as {user}</span>
        <button type="button" aria-keyshortcuts="?" onClick={() => (help.value = true)}>
          Shortcuts
        </button>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      {route.value === 'tasks' && (
        <main id="main">
          <QuickAdd store={store} toasts={toasts} clock={clock} />
          <Filters store={store} />
          <TaskList store={store} clock={clock} actions={actions} />
          <ChatPanel api={api} onChanged={() => void store.load()} />
          <datalist id="known-tags">
            {tags.value.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
        </main>
      )}
      {route.value === 'activity' && <ActivityPage api={api} clock={clock} />}
      {route.value === 'settings' && <SettingsPage api={api} onTimeZone={(zone) => (timeZone.value = zone)} />}
      {editing.value && <TaskEditor key={editing.value.id} task={editing.value} store={store} toasts={toasts} api={api} clock={clock} onClose={() => (editing.value = null)} />}
      <ShortcutsHelp open={help.value} onClose={() => (help.value = false)} />
      <Toasts toasts={toasts} />
    </>
  );
}

export function App({ auth, api, session, createSyncClient }: { auth: AuthSettings; api: Api; session: SessionStore; createSyncClient?: CreateSyncClient }) {
  const current = session.current.value;
  if (!current) return <SignIn auth={auth} api={api} session={session} />;
  const token = () => session.current.value?.token ?? '';
  return <Tasks key={current.user} api={api} user={current.user} token={token} createSyncClient={createSyncClient} onSignOut={() => session.signOut()} />;
}
