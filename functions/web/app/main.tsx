import { render } from 'preact';
import './styles.css';
import { createApi } from './api.ts';
import { parseAuthSettings } from './auth-settings.ts';
import { App } from './components/App.tsx';
import { createSyncClient } from '../../../shared/sync/client.ts';
import { createSessionStore } from './session.ts';

// The app's entry: read the page's settings, restore this tab's session, render; live updates come
// through the sync client (one poll shared by a user's tabs, see live.ts).
const auth = parseAuthSettings(document.querySelector('meta[name="taskfn-auth"]')?.getAttribute('content'));
const session = createSessionStore(sessionStorage);
const api = createApi({ token: () => session.current.value?.token, onUnauthorized: () => session.signOut() });

render(<App auth={auth} api={api} session={session} createSyncClient={createSyncClient} />, document.getElementById('app')!);
