import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { UnauthorizedError } from '../domain/errors.ts';
import { authenticate } from './jwt.ts';

const key = () => new TextEncoder().encode(process.env.JWT_SECRET);
const nowSeconds = () => Math.floor(Date.now() / 1000);
const hour = 3600;

/** An HS256 token for `sub` with exactly the time claims given (none unless given). */
function token(claims: { iat?: number; exp?: number }, sub = 'jwt-test'): Promise<string> {
  return new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).sign(key());
}

const refused = (t: string, message: RegExp) =>
  assert.rejects(authenticate(`Bearer ${t}`), (err: Error) => err instanceof UnauthorizedError && message.test(err.message));

describe('bearer tokens (JWT_MAX_LIFETIME_SECONDS at its default, 24 h)', () => {
  it('accepts a token issued now for an hour', async () => {
    assert.equal(await authenticate(`Bearer ${await token({ iat: nowSeconds(), exp: nowSeconds() + hour })}`), 'jwt-test');
  });

  it('refuses a token without exp, which would be valid forever', async () => {
    await refused(await token({ iat: nowSeconds() }), /no expiry/);
  });

  it('refuses a token whose lifetime from iat to exp is over the maximum', async () => {
    await refused(await token({ iat: nowSeconds() - hour, exp: nowSeconds() + 24 * hour }), /lifetime/);
  });

  it('refuses a token without iat that stays valid longer than the maximum from now', async () => {
    await refused(await token({ exp: nowSeconds() + 25 * hour }), /lifetime/);
  });

  it('counts the lifetime from now when iat is in the future, so a later iat cannot stretch it', async () => {
    const later = nowSeconds() + 365 * 24 * hour;
    await refused(await token({ iat: later, exp: later + hour }), /lifetime/);
  });

  it('accepts a token without iat that expires within the maximum', async () => {
    assert.equal(await authenticate(`Bearer ${await token({ exp: nowSeconds() + 23 * hour }, 'no-iat')}`), 'no-iat');
  });
});
