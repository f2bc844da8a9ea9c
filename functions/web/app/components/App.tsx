import type { AuthSettings } from '../auth-settings.ts';
import type { Api } from '../api.ts';
import type { SessionStore } from '../session.ts';
import { SignIn } from './SignIn.tsx';

export function App({ auth, api, session }: { auth: AuthSettings; api: Api; session: SessionStore }) {
  const current = session.current.value;
  if (!current) return <SignIn auth={auth} api={api} session={session} />;
  return (
    <>
      <header class="top">
        <h1>taskfn</h1>
        <span class="who">Signed in as {current.user}</span>
        <button type="button" onClick={() => session.signOut()}>
          Sign out
        </button>
      </header>
      <main id="main">
        <h2>Tasks</h2>
      </main>
    </>
  );
}
