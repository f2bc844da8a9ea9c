// The sign-in settings the server put in the page's <meta name="taskfn-auth"> (functions/web/page.ts).

export type AuthSettings = { mode: 'dev' } | { mode: 'oidc'; issuer: string; clientId: string; audience?: string } | { mode: 'unconfigured' };

export function parseAuthSettings(content: string | null | undefined): AuthSettings {
  try {
    const value = JSON.parse(content ?? '') as AuthSettings;
    if (value.mode === 'dev' || value.mode === 'unconfigured') return { mode: value.mode };
    if (value.mode === 'oidc' && typeof value.issuer === 'string' && typeof value.clientId === 'string') return value;
  } catch {
    // fall through: a page without settings cannot sign anyone in
  }
  return { mode: 'unconfigured' };
}
