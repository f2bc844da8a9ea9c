import { render } from 'preact';
import './styles.css';
import { createApi } from './api.ts';
import { parseAuthSettings } from './auth-settings.ts';
import { App } from './components/App.tsx';
import { createSessionStore } from './session.ts';

// The app's entry: read the page's settings, restore this tab's session, render. Live updates
// start once App is given the sync client: shared/sync/client.ts's createSyncClient (see live.ts).
const auth = parseAuthSettings(document.querySelector('meta[name="taskfn-auth"]')?.getAttribute('content'));
const session = createSessionStore(sessionStorage);
const api = createApi({ token: () => session.current.value?.token, onUnauthorized: () => session.signOut() });

render(<App auth={auth} api={api} session={session} />, document.getElementById('app')!);
