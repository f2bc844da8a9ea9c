import { computed, signal } from '@preact/signals';

// Who is signed in: the bearer token and what it says, kept in sessionStorage (one tab's session,
// gone when the tab closes; never localStorage, which any script of the origin reads forever).

export interface Session {
  token: string;
  user: string;
  /** Milliseconds since the epoch, from the token's `exp`. */
  expiresAt: number;
}

type SessionStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const key = 'taskfn.session';

/** The claims a JWT carries, read without verifying (the API verifies; the app only shows them). */
export function readClaims(token: string): { sub?: string; exp?: number } {
  const payload = token.split('.')[1];
  if (!payload) return {};
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as { sub?: string; exp?: number };
  } catch {
    return {};
  }
}

export function sessionFromToken(token: string): Session | undefined {
  const { sub, exp } = readClaims(token);
  if (typeof sub !== 'string' || typeof exp !== 'number') return undefined;
  return { token, user: sub, expiresAt: exp * 1000 };
}

export function createSessionStore(storage: SessionStorage, now: () => number = Date.now) {
  const stored = (): Session | undefined => {
    const token = storage.getItem(key);
    const session = token ? sessionFromToken(token) : undefined;
    return session && session.expiresAt > now() ? session : undefined;
  };
  const current = signal<Session | undefined>(stored());
  return {
    current,
    signedIn: computed(() => current.value !== undefined),
    signIn(token: string): Session {
      const session = sessionFromToken(token);
      if (!session) throw new Error('the token carries no subject or expiry');
      storage.setItem(key, token);
      current.value = session;
      return session;
    },
    signOut(): void {
      storage.removeItem(key);
      current.value = undefined;
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
