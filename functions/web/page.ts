import type { Config } from '../../shared/config.ts';

// The one HTML page. It carries no inline script: the sign-in settings the app needs reach it as a
// <meta> tag's content, so the Content-Security-Policy can forbid every script but our own file.

/**
 * What the app needs to know to sign a person in (read by app/auth-settings.ts): the dev form, the
 * OpenID provider (JWT_ISSUER, the issuer the API checks tokens against) and the app's client id
 * there, or that production sign-in is not configured.
 */
export type AuthSettings = { mode: 'dev' } | { mode: 'oidc'; issuer: string; clientId: string; audience?: string } | { mode: 'unconfigured' };

export function authSettings(config: Config): AuthSettings {
  if (config.AUTH_MODE === 'dev') return { mode: 'dev' };
  if (!config.JWT_ISSUER || !URL.canParse(config.JWT_ISSUER) || !config.WEB_OIDC_CLIENT_ID) return { mode: 'unconfigured' };
  return { mode: 'oidc', issuer: config.JWT_ISSUER, clientId: config.WEB_OIDC_CLIENT_ID, ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {}) };
}

const escapeAttribute = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function pageHtml({ script, style, auth }: { script: string; style: string; auth: AuthSettings }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="taskfn-auth" content="${escapeAttribute(JSON.stringify(auth))}">
<title>taskfn</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/${style}">
<script type="module" src="/assets/${script}"></script>
</head>
<body>
<div id="app"></div>
<noscript>taskfn needs JavaScript.</noscript>
</body>
</html>
`;
}

/**
 * Same origin only: scripts, styles, images and API calls come from this host. The one exception
 * is the OpenID provider, whose token endpoint the app calls itself (Authorization Code with PKCE).
 * No inline script or style element, no framing (clickjacking), no plugins, no <base> rewriting.
 */
export function contentSecurityPolicy(auth: AuthSettings): string {
  const connect = ["'self'", ...(auth.mode === 'oidc' ? [new URL(auth.issuer).origin] : [])];
  return [
    "default-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
