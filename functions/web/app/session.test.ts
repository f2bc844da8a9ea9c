import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSessionStore, sessionFromToken } from './session.ts';

/** An unsigned JWT with these claims: the app reads claims, the API verifies signatures. */
const tokenWith = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
  };
}

describe('the session store', () => {
  it("reads the user and expiry from the token's claims, user names outside ASCII included", () => {
    assert.deepEqual(sessionFromToken(tokenWith({ sub: 'zoë', exp: 2_000_000_000 })), { token: tokenWith({ sub: 'zoë', exp: 2_000_000_000 }), user: 'zoë', expiresAt: 2_000_000_000_000 });
  });

  it('refuses a token without a subject or an expiry, and text that is no token', () => {
    assert.equal(sessionFromToken(tokenWith({ sub: 'a' })), undefined);
    assert.equal(sessionFromToken(tokenWith({ exp: 1 })), undefined);
    assert.equal(sessionFromToken('not a token'), undefined);
  });

  it('keeps the token in the storage it is given and forgets it on sign-out', () => {
    const storage = memoryStorage();
    const store = createSessionStore(storage, () => 0);
    store.signIn(tokenWith({ sub: 'alice', exp: 100 }));
    assert.equal(store.current.value?.user, 'alice');
    assert.equal(createSessionStore(storage, () => 0).current.value?.user, 'alice');
    store.signOut();
    assert.equal(store.current.value, undefined);
    assert.equal(storage.items.size, 0);
  });

  it('starts signed out when the stored token has expired', () => {
    const storage = memoryStorage();
    createSessionStore(storage, () => 0).signIn(tokenWith({ sub: 'alice', exp: 100 }));
    assert.equal(createSessionStore(storage, () => 100_000).signedIn.value, false);
  });
});
