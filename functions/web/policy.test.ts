import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openPage, useBrowser } from '../../test/browser.ts';
import { loadHost, serve } from '../../test/helpers.ts';

// The page's Content-Security-Policy as Chromium enforces it.
const app = serve(loadHost);
const { browser } = useBrowser();

describe("the web app's Content-Security-Policy in Chromium", () => {
  it('runs the app, and refuses a script injected inline or from another origin', async () => {
    const { context, page, errors } = await openPage(browser(), `${app.url()}/`);
    await page.getByRole('heading', { name: 'taskfn' }).waitFor();
    const blocked = await page.evaluate(`new Promise((resolve) => {
      const refused = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        refused.push(e.blockedURI);
        if (refused.length === 2) resolve({ refused: refused.sort(), ran: window.injected === true });
      });
      const inline = document.createElement('script');
      inline.textContent = 'window.injected = true';
      document.head.append(inline);
      const remote = document.createElement('script');
      remote.src = 'http://127.0.0.2:9/evil.js';
      document.head.append(remote);
    })`);
    assert.deepEqual(blocked, { refused: ['http://127.0.0.2:9/evil.js', 'inline'], ran: false });
    // The two refusals are the only errors the page logged.
    assert.equal(errors.filter((e) => !/Content Security Policy/.test(e)).length, 0, errors.join('\n'));
    await context.close();
  });
});
