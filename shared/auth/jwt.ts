import { type JWTVerifyGetKey, SignJWT, createRemoteJWKSet, jwtVerify } from 'jose';
import { getConfig } from '../config.ts';
import { UnauthorizedError, UnavailableError } from '../domain/errors.ts';

const config = getConfig();

// HS256 with a shared secret, or asymmetric keys from a JWKS endpoint (an identity provider).
const secret = config.JWT_SECRET ? new TextEncoder().encode(config.JWT_SECRET) : undefined;
const jwks: JWTVerifyGetKey | undefined = config.JWKS_URL ? createRemoteJWKSet(new URL(config.JWKS_URL)) : undefined;

const userId = /^[\w@.:|-]{1,200}$/;

export const authConfigured = (): boolean => secret !== undefined || jwks !== undefined;

/** The user id (`sub`) of a valid bearer token; anything else is a 401. */
export async function authenticate(authorization: string | undefined): Promise<string> {
  const token = /^Bearer ([\w-]+\.[\w-]+\.[\w-]*)$/i.exec(authorization ?? '')?.[1];
  if (!token) throw new UnauthorizedError('an Authorization: Bearer <JWT> header is required');
  const options = {
    ...(config.JWT_ISSUER ? { issuer: config.JWT_ISSUER } : {}),
    ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {}),
  };
  let sub: unknown;
  try {
    if (jwks) {
      ({ payload: { sub } } = await jwtVerify(token, jwks, { ...options, algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'] }));
    } else if (secret) {
      ({ payload: { sub } } = await jwtVerify(token, secret, { ...options, algorithms: ['HS256'] }));
    } else {
      throw new UnavailableError('auth_not_configured', 'set JWT_SECRET or JWKS_URL');
    }
  } catch (err) {
    if (err instanceof UnavailableError) throw err;
    throw new UnauthorizedError('the token is invalid or expired');
  }
  if (typeof sub !== 'string' || !userId.test(sub)) throw new UnauthorizedError('the token has no usable subject (sub)');
  return sub;
}

/** A token for local development only: the local host offers it when AUTH_MODE=dev. */
export async function signDevToken(user: string, ttl = '7d'): Promise<string> {
  if (config.AUTH_MODE !== 'dev' || !secret) throw new Error('dev tokens need AUTH_MODE=dev and JWT_SECRET');
  return new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(user).setIssuedAt().setExpirationTime(ttl).sign(secret);
}

export const isValidUserId = (id: string): boolean => userId.test(id);
