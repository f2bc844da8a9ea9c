import assert from 'node:assert/strict';
import { type Server, createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../shared/config.ts';
import { withRuntime } from '../../shared/runtime/current.ts';
import { type Runtime, createRuntime } from '../../shared/runtime/runtime.ts';
import { openPage, seriousViolations, useBrowser } from '../../test/browser.ts';
import { freePort } from '../../test/free-port.ts';
import { loadHost } from '../../test/helpers.ts';
import { type OidcProvider, startOidcProvider } from '../../test/oidc-provider.ts';

// Production sign-in end to end: the local host configured as production is (JWKS_URL,
// JWT_ISSUER, JWT_AUDIENCE, WEB_OIDC_CLIENT_ID) against a real OpenID provider on loopback, and
// Chromium going through the provider's own login and consent pages.
const audience = 'urn:taskfn:api';
let provider: OidcProvider;
let rt: Runtime;
let server: Server;
let app = '';
const { browser } = useBrowser();

before(async () => {
  const port = await freePort();
  app = `http://127.0.0.1:${port}`;
  provider = await startOidcProvider({ clientId: 'taskfn-web', redirectUri: `${app}/`, audience });
  rt = createRuntime(
    loadConfig({ ...process.env, AUTH_MODE: 'jwt', JWKS_URL: provider.jwksUrl, JWT_ISSUER: provider.issuer, JWT_AUDIENCE: audience, WEB_OIDC_CLIENT_ID: 'taskfn-web' }),
  );
  const handler = await withRuntime(rt, loadHost);
  server = createServer((req, res) => void withRuntime(rt, () => handler(req, res)));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rt.close();
  await provider.close();
});

describe('signing in to the web app with OpenID Connect', () => {
  it("signs in through the provider's login and consent, with a token the API accepts, kept in sessionStorage only", async () => {
    const { context, page } = await openPage(browser(), `${app}/`);
    assert.match((await page.request.get(`${app}/`)).headers()['content-security-policy'] ?? '', new RegExp(`connect-src 'self' ${provider.issuer.replace(/\./g, '\\.')};`));
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The provider's development login page: any login name is an account.
    await page.waitForURL((url) => url.origin === provider.issuer);
    await page.getByPlaceholder('Enter any login').fill('olivia');
    await page.getByPlaceholder('and password').fill('anything');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('Signed in as olivia').waitFor();
    // Back at the app, the single-use code is gone from the address bar.
    assert.equal(page.url(), `${app}/`);
    const stored = await page.evaluate<{ session: string[]; local: string[] }>('({ session: Object.keys(sessionStorage), local: Object.keys(localStorage) })');
    assert.deepEqual(stored, { session: ['taskfn.session'], local: [] });
    // The token is the provider's JWT for the API's audience, which the API verifies through the JWKS.
    const answer = await page.evaluate<{ status: number; timezone: string }>(
      "fetch('/api/me/settings', { headers: { authorization: 'Bearer ' + sessionStorage.getItem('taskfn.session') } }).then(async (r) => ({ status: r.status, timezone: (await r.json()).timezone }))",
    );
    assert.deepEqual(answer, { status: 200, timezone: 'UTC' });
    assert.deepEqual(await seriousViolations(page), []);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await context.close();
  });

  it('refuses a redirect back that this tab did not start, saying so, and stays signed out', async () => {
    const { context, page } = await openPage(browser(), `${app}/?code=forged&state=forged&iss=${encodeURIComponent(provider.issuer)}`);
    assert.match(await page.getByRole('alert').innerText(), /Sign-in failed: this sign-in was not started in this tab/);
    assert.equal(page.url(), `${app}/`);
    assert.deepEqual(await page.evaluate('Object.keys(sessionStorage)'), []);
    await context.close();
  });
});
