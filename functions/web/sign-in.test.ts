import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openPage, seriousViolations, useBrowser } from '../../test/browser.ts';
import { serveHost } from '../../test/helpers.ts';

// The local host in dev auth mode, as npm start runs it, in Chromium.
const app = serveHost(() => ({ AUTH_MODE: 'dev' }));
const { browser } = useBrowser();

describe('signing in to the web app in dev mode', () => {
  it('signs in as the name typed, keeps the session in this tab across a reload, and signs out', async () => {
    const { context, page, errors } = await openPage(browser(), `${app.url()}/`);
    await page.getByRole('textbox', { name: 'User name' }).fill('alice');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as alice').waitFor();
    const stored = await page.evaluate('({ session: Object.keys(sessionStorage), local: Object.keys(localStorage) })');
    assert.deepEqual(stored, { session: ['taskfn.session'], local: [] });
    await page.reload();
    await page.getByText('Signed in as alice').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('textbox', { name: 'User name' }).waitFor();
    assert.deepEqual(await page.evaluate('Object.keys(sessionStorage)'), []);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('says what a user name may hold when the server refuses one', async () => {
    const { context, page } = await openPage(browser(), `${app.url()}/`);
    await page.getByRole('textbox', { name: 'User name' }).fill('two words');
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.match(await page.getByRole('alert').innerText(), /1 to 200 letters, digits or _@\.:\|-/);
    await context.close();
  });

  it('has no serious or critical accessibility violation on the sign-in page', async () => {
    const { context, page } = await openPage(browser(), `${app.url()}/`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.deepEqual(await seriousViolations(page), []);
    await context.close();
  });
});
