import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { AuthSettings } from '../auth-settings.ts';
import { type OidcSettings, finishSignIn, isCallback, signInUrl } from '../oidc.ts';
import { ApiError, type Api } from '../api.ts';
import type { SessionStore } from '../session.ts';

/** The dev host's "sign in as": any user name gets a token from /api/dev/token. */
function DevSignIn({ api, session }: { api: Api; session: SessionStore }) {
  const name = useSignal('');
  const error = useSignal('');
  const busy = useSignal(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    busy.value = true;
    error.value = '';
    try {
      const { body } = await api.post<{ token: string }>('/api/dev/token', { user_id: name.value.trim() });
      session.signIn(body.token);
    } catch (err) {
      error.value = err instanceof ApiError ? (err.details.length > 0 ? 'A user name is 1 to 200 letters, digits or _@.:|-' : err.message) : String(err);
    } finally {
      busy.value = false;
    }
  };
  return (
    <form class="sign-in" onSubmit={(e) => void submit(e)}>
      <p>Development mode: sign in as anyone.</p>
      <label for="user-name">User name</label>
      <input id="user-name" name="user" autocomplete="username" required value={name.value} onInput={(e) => (name.value = e.currentTarget.value)} aria-describedby={error.value ? 'sign-in-error' : undefined} />
      <button type="submit" disabled={busy.value}>
        Sign in
      </button>
      {error.value && (
        <p id="sign-in-error" role="alert" class="error">
          {error.value}
        </p>
      )}
    </form>
  );
}

const redirectUri = () => `${location.origin}/`;
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** OpenID Connect: away to the provider, and back with a code this tab trades for a token. */
function OidcSignIn({ settings, session }: { settings: OidcSettings; session: SessionStore }) {
  const error = useSignal('');
  const busy = useSignal(isCallback(new URL(location.href)));
  useEffect(() => {
    const here = new URL(location.href);
    if (!isCallback(here)) return;
    // The code is single-use: take it out of the address bar (and of history) whatever happens.
    history.replaceState(null, '', '/');
    finishSignIn(settings, here, redirectUri(), sessionStorage)
      .then((token) => session.signIn(token))
      .catch((err: unknown) => {
        error.value = `Sign-in failed: ${messageOf(err)}`;
        busy.value = false;
      });
  }, []);
  const start = async () => {
    busy.value = true;
    try {
      location.assign(await signInUrl(settings, redirectUri(), sessionStorage));
    } catch (err) {
      error.value = `The sign-in provider cannot be reached: ${messageOf(err)}`;
      busy.value = false;
    }
  };
  return (
    <div class="sign-in">
      <button type="button" disabled={busy.value} onClick={() => void start()}>
        Sign in
      </button>
      {error.value && (
        <p role="alert" class="error">
          {error.value}
        </p>
      )}
    </div>
  );
}

export function SignIn({ auth, api, session }: { auth: AuthSettings; api: Api; session: SessionStore }) {
  return (
    <main class="sign-in-page">
      <h1>taskfn</h1>
      {auth.mode === 'dev' && <DevSignIn api={api} session={session} />}
      {auth.mode === 'oidc' && <OidcSignIn settings={auth} session={session} />}
      {auth.mode === 'unconfigured' && <p role="alert">Sign-in is not configured on this server (JWT_ISSUER and WEB_OIDC_CLIENT_ID).</p>}
    </main>
  );
}
