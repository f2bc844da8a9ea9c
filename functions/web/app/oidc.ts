import * as oauth from 'oauth4webapi';

// Production sign-in: OpenID Connect Authorization Code with PKCE, the app a public client (no
// secret), through oauth4webapi. The verifier and state wait in sessionStorage for the provider's
// redirect back; the access token the API verifies (a JWT for JWT_AUDIENCE, through the provider's
// JWKS) is what the session keeps.

export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** The API's audience, asked for as the resource (RFC 8707) so the access token is a JWT for it. */
  audience?: string;
}

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem' | 'removeItem'>;

const pendingKey = 'taskfn.oidc.pending';

/** http is allowed for a provider on this machine only (development and the tests); production issuers are https. */
const loopback = (url: URL) => url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
const requestOptions = (issuer: URL) => ({ [oauth.allowInsecureRequests]: loopback(issuer) });

async function discover(settings: OidcSettings): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(settings.issuer);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...requestOptions(issuer) }));
}

/** The provider's authorization URL for a new sign-in; the verifier and state are kept for its return. */
export async function signInUrl(settings: OidcSettings, redirectUri: string, storage: Storage): Promise<string> {
  const as = await discover(settings);
  if (!as.authorization_endpoint) throw new Error('the provider names no authorization endpoint');
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  storage.setItem(pendingKey, JSON.stringify({ verifier, state }));
  const url = new URL(as.authorization_endpoint);
  const params: Record<string, string> = {
    client_id: settings.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid',
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...(settings.audience ? { resource: settings.audience } : {}),
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.href;
}

/** Whether this URL is the provider's redirect back (a code or an error for us). */
export const isCallback = (url: URL): boolean => url.searchParams.has('state') && (url.searchParams.has('code') || url.searchParams.has('error'));

/** Trades the code of the provider's redirect for the access token; throws with the provider's words on a refusal. */
export async function finishSignIn(settings: OidcSettings, callback: URL, redirectUri: string, storage: Storage): Promise<string> {
  const pending = storage.getItem(pendingKey);
  storage.removeItem(pendingKey);
  if (!pending) throw new Error('this sign-in was not started in this tab; sign in again');
  const { verifier, state } = JSON.parse(pending) as { verifier: string; state: string };
  const as = await discover(settings);
  const client: oauth.Client = { client_id: settings.clientId };
  const params = oauth.validateAuthResponse(as, client, callback, state);
  const issuer = new URL(settings.issuer);
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier, {
    ...requestOptions(issuer),
    ...(settings.audience ? { additionalParameters: { resource: settings.audience } } : {}),
  });
  const result = await oauth.processAuthorizationCodeResponse(as, client, response, { requireIdToken: true });
  return result.access_token;
}
