import { type JWTVerifyGetKey, SignJWT, createRemoteJWKSet, jwtVerify } from 'jose';
import { getConfig } from '../config.ts';
import { UnauthorizedError, UnavailableError } from '../domain/errors.ts';

const config = getConfig();

// HS256 with a shared secret, or asymmetric keys from a JWKS endpoint (an identity provider).
// Imported once: given raw bytes or a KeyObject, jose imports a WebCrypto key on every request,
// which was the largest CPU cost of a create-task request.
const secret = config.JWT_SECRET
  ? await crypto.subtle.importKey('raw', new TextEncoder().encode(config.JWT_SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
  : undefined;
const jwks: JWTVerifyGetKey | undefined = config.JWKS_URL ? createRemoteJWKSet(new URL(config.JWKS_URL)) : undefined;

export const userIdPattern = /^[\w@.:|-]{1,200}$/;


export const authConfigured = (): boolean => secret !== undefined || jwks !== undefined;

// A client sends the same token with every request; verifying its signature each time was most of
// the CPU a request took. A verified token is remembered until it expires (at most an hour), so a
// repeat costs a map lookup. Bounded: when full, the oldest entries go first.
const verified = new Map<string, { sub: string; until: number }>();
const maxRemembered = 10_000;

function remember(token: string, sub: string, exp: unknown): void {
  const until = Math.min(typeof exp === 'number' ? exp * 1000 : 0, Date.now() + 3_600_000);
  if (until <= Date.now()) return;
  if (verified.size >= maxRemembered) verified.delete(verified.keys().next().value!);
  verified.set(token, { sub, until });
}

/** The user id (`sub`) of a valid bearer token; anything else is a 401. */
export async function authenticate(authorization: string | undefined): Promise<string> {
  const token = /^Bearer ([\w-]+\.[\w-]+\.[\w-]*)$/i.exec(authorization ?? '')?.[1];
  if (!token) throw new UnauthorizedError('an Authorization: Bearer <JWT> header is required');
  const known = verified.get(token);
  if (known && known.until > Date.now()) return known.sub;
  const options = {
    ...(config.JWT_ISSUER ? { issuer: config.JWT_ISSUER } : {}),
    ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {}),
  };
  let sub: unknown;
  let exp: unknown;
  try {
    if (jwks) {
      ({ payload: { sub, exp } } = await jwtVerify(token, jwks, { ...options, algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'] }));
    } else if (secret) {
      ({ payload: { sub, exp } } = await jwtVerify(token, secret, { ...options, algorithms: ['HS256'] }));
    } else {
      throw new UnavailableError('auth_not_configured', 'set JWT_SECRET or JWKS_URL');
    }
  } catch (err) {
    if (err instanceof UnavailableError) throw err;
    throw new UnauthorizedError('the token is invalid or expired');
  }
  if (typeof sub !== 'string' || !userIdPattern.test(sub)) throw new UnauthorizedError('the token has no usable subject (sub)');
  remember(token, sub, exp);
  return sub;
}

/** A token for local development only: the local host offers it when AUTH_MODE=dev. */
export async function signDevToken(user: string, ttl = '7d'): Promise<string> {
  if (config.AUTH_MODE !== 'dev' || !secret) throw new Error('dev tokens need AUTH_MODE=dev and JWT_SECRET');
  return new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(user).setIssuedAt().setExpirationTime(ttl).sign(secret);
}
