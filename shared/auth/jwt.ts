import { type JWTPayload, type JWTVerifyGetKey, SignJWT, createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { type Config, getConfig } from '../config.ts';
import { UnauthorizedError, UnavailableError } from '../domain/errors.ts';

export const userIdPattern = /^[\w@.:|-]{1,200}$/;

interface Keys {
  secret: ReturnType<typeof crypto.subtle.importKey> | undefined;
  jwks: JWTVerifyGetKey | undefined;
  /** Tokens verified with these keys, remembered until they expire (see remember()). */
  verified: Map<string, { sub: string; until: number }>;
}

// HS256 with a shared secret, or asymmetric keys from a JWKS endpoint (an identity provider).
// Imported once per configuration: given raw bytes or a KeyObject, jose imports a WebCrypto key on
// every request, which was the largest CPU cost of a create-task request.
const keysByConfig = new WeakMap<Config, Keys>();
function keysOf(config: Config): Keys {
  let keys = keysByConfig.get(config);
  if (!keys) {
    const raw = config.JWT_SECRET ? new TextEncoder().encode(config.JWT_SECRET) : undefined;
    keys = {
      secret: raw && crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']),
      jwks: config.JWKS_URL ? createRemoteJWKSet(new URL(config.JWKS_URL)) : undefined,
      verified: new Map(),
    };
    keysByConfig.set(config, keys);
  }
  return keys;
}


export const authConfigured = (config: Config): boolean => config.JWT_SECRET !== undefined || config.JWKS_URL !== undefined;

// A client sends the same token with every request; verifying its signature each time was most of
// the CPU a request took. A verified token is remembered until it expires (at most an hour), so a
// repeat costs a map lookup. Bounded: when full, the oldest entries go first.
const maxRemembered = 10_000;

function remember(verified: Keys['verified'], token: string, sub: string, exp: unknown): void {
  const until = Math.min(typeof exp === 'number' ? exp * 1000 : 0, Date.now() + 3_600_000);
  if (until <= Date.now()) return;
  if (verified.size >= maxRemembered) verified.delete(verified.keys().next().value!);
  verified.set(token, { sub, until });
}

/** The user id (`sub`) of a valid bearer token; anything else is a 401. */
export async function authenticate(authorization: string | undefined): Promise<string> {
  const token = /^Bearer ([\w-]+\.[\w-]+\.[\w-]*)$/i.exec(authorization ?? '')?.[1];
  if (!token) throw new UnauthorizedError('an Authorization: Bearer <JWT> header is required');
  const config = getConfig();
  const { secret, jwks, verified } = keysOf(config);
  const known = verified.get(token);
  if (known && known.until > Date.now()) return known.sub;
  const options = {
    ...(config.JWT_ISSUER ? { issuer: config.JWT_ISSUER } : {}),
    ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {}),
  };
  let payload: JWTPayload;
  try {
    // A token without exp would be valid forever: exp is required, and its lifetime bounded below.
    if (jwks) {
      ({ payload } = await jwtVerify(token, jwks, { ...options, requiredClaims: ['exp'], algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'] }));
    } else if (secret) {
      ({ payload } = await jwtVerify(token, await secret, { ...options, requiredClaims: ['exp'], algorithms: ['HS256'] }));
    } else {
      throw new UnavailableError('auth_not_configured', 'set JWT_SECRET or JWKS_URL');
    }
  } catch (err) {
    if (err instanceof UnavailableError) throw err;
    if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'exp') throw new UnauthorizedError('the token has no expiry (exp)');
    throw new UnauthorizedError('the token is invalid or expired');
  }
  const { sub, exp, iat } = payload;
  if (typeof sub !== 'string' || !userIdPattern.test(sub)) throw new UnauthorizedError('the token has no usable subject (sub)');
  checkLifetime(exp!, iat, config.JWT_MAX_LIFETIME_SECONDS);
  remember(verified, token, sub, exp);
  return sub;
}

/**
 * A token may be valid for JWT_MAX_LIFETIME_SECONDS at most, counted from iat; from now when iat is
 * missing, or in the future (else a far-off iat would stretch the window as far as it likes).
 */
function checkLifetime(exp: number, iat: number | undefined, max: number): void {
  const now = Math.floor(Date.now() / 1000);
  const from = iat === undefined ? now : Math.min(iat, now);
  if (exp - from > max) throw new UnauthorizedError(`the token's lifetime is over the maximum of ${max} seconds (exp - iat)`);
}

/** A token for local development only: the local host offers it when AUTH_MODE=dev. It lasts as long as a token may. */
export async function signDevToken(user: string): Promise<string> {
  const config = getConfig();
  const { secret } = keysOf(config);
  if (config.AUTH_MODE !== 'dev' || !secret) throw new Error('dev tokens need AUTH_MODE=dev and JWT_SECRET');
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(user).setIssuedAt(iat).setExpirationTime(iat + config.JWT_MAX_LIFETIME_SECONDS).sign(await secret);
}
