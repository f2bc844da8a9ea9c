import { timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { type JWTVerifyGetKey, createRemoteJWKSet, customFetch, jwtVerify } from 'jose';
import { type Config, getConfig } from '../config.ts';
import { UnauthorizedError } from '../domain/errors.ts';

// Who may call the event, cron and relay endpoints. Two callers, one per wiring:
//   Dapr: the sidecar sends the app API token (APP_API_TOKEN) as the dapr-api-token header
//         (https://docs.dapr.io/operations/security/app-api-token/).
//   Knative Eventing: with its sender identity on (authentication-oidc), a KafkaSource or PingSource
//         sends "Authorization: Bearer <JWT>", a service account token the API server issued for the
//         sink.audience the chart sets (https://knative.dev/docs/eventing/features/sender-identity/).
// Production refuses to start without APP_API_TOKEN (shared/config.ts), so nothing is ever open there;
// without either setting (tests, npm start) the endpoints stay open, as a laptop's loopback is.

const unauthorized = () => new UnauthorizedError('a valid dapr-api-token header or Knative Eventing OIDC bearer token is required');

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

// One key set per process and URL: jose caches the keys and refetches on an unknown key id.
let keys: { url: string; get: JWTVerifyGetKey } | undefined;

function keySet(url: string, tokenFile: string | undefined): JWTVerifyGetKey {
  if (keys?.url === url) return keys.get;
  // The API server serves its keys only to authenticated callers; the projected token rotates, so it
  // is read again on every fetch.
  const fetchWithToken = async (input: string, init: RequestInit) => {
    const headers = new Headers(init.headers);
    if (tokenFile) headers.set('authorization', `Bearer ${(await readFile(tokenFile, 'utf8')).trim()}`);
    return fetch(input, { ...init, headers });
  };
  const get = createRemoteJWKSet(new URL(url), { [customFetch]: fetchWithToken });
  keys = { url, get };
  return get;
}

/** Whether a bearer token is a Knative Eventing source's token for this function. */
async function knativeSender(authorization: string | undefined, config: Config): Promise<boolean> {
  const { EVENT_OIDC_ISSUER: issuer, EVENT_OIDC_JWKS_URL: jwksUrl, EVENT_OIDC_AUDIENCE: audience, EVENT_OIDC_NAMESPACE: namespace } = config;
  const token = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/i.exec(authorization ?? '')?.[1];
  if (!issuer || !jwksUrl || !audience || !namespace || !token) return false;
  try {
    const { payload } = await jwtVerify(token, keySet(jwksUrl, config.EVENT_OIDC_JWKS_TOKEN_FILE), {
      issuer,
      audience,
      requiredClaims: ['exp', 'sub'],
    });
    // Any pod may project a token with any audience for its own account; only the accounts of the
    // release's namespace (where Knative creates each source's OIDC account) are senders.
    return payload.sub!.startsWith(`system:serviceaccount:${namespace}:`);
  } catch {
    return false;
  }
}

/** Refuses (401) a call to an event, cron or relay endpoint from anyone but the configured senders. */
export async function authenticateSender(req: IncomingMessage, config: Config = getConfig()): Promise<void> {
  const appToken = config.APP_API_TOKEN;
  if (!appToken && !config.EVENT_OIDC_ISSUER) return;
  const given = req.headers['dapr-api-token'];
  if (appToken && typeof given === 'string' && sameToken(given, appToken)) return;
  if (await knativeSender(req.headers.authorization, config)) return;
  throw unauthorized();
}
