import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openPage, seriousViolations, signInAs, useBrowser } from '../../test/browser.ts';
import { clientFor, eventually, newUser, serveHost } from '../../test/helpers.ts';

// The activity and settings pages in Chromium, against the local host in dev auth mode.
const app = serveHost(() => ({ AUTH_MODE: 'dev' }));
const { browser } = useBrowser();

async function signedIn() {
  const user = newUser();
  const opened = await openPage(browser(), `${app.url()}/`, { timezoneId: 'Europe/Berlin' });
  await signInAs(opened.page, user);
  return { ...opened, api: await clientFor(app.url(), user) };
}

describe('the activity page', () => {
  it('draws created and completed tasks per day as an SVG chart, with the streak and the on-time share, and a filterable log', async () => {
    const { context, page, api } = await signedIn();
    for (const title of ['one', 'two', 'three']) {
      const { body } = await api.post('/api/tasks', { title, due_at: new Date(Date.now() + 3_600_000).toISOString() });
      if (title !== 'three') await api.post(`/api/tasks/${body.id}/complete`);
    }
    // The log is written by the log-activity function from the events.
    await eventually(async () => (await api.get('/api/activity?limit=10')).body.items.length === 5);
    await page.getByRole('link', { name: 'Activity' }).click();
    const chart = page.getByRole('img', { name: /Tasks created and completed per day/ });
    await chart.waitFor();
    assert.match(await chart.getAttribute('aria-labelledby') ?? '', /chart-desc/);
    assert.match(await page.locator('#chart-desc').textContent() ?? '', /^3 created and 2 completed over \d+ days$/);
    assert.equal(await page.locator('svg rect.bar.completed').count() > 0, true);
    assert.match(await page.locator('.figures').innerText(), /Streak\s+1 day[\s\S]*On time\s+100% of 2/);
    await page.getByRole('listitem').filter({ hasText: 'created: three' }).waitFor();
    await page.getByRole('combobox', { name: 'Kind' }).selectOption('task.completed');
    await page.getByRole('listitem').filter({ hasText: 'created: three' }).waitFor({ state: 'detached' });
    assert.deepEqual((await page.locator('.log li').allInnerTexts()).map((t) => t.replace(/^.*? (completed: )/, '$1')).sort(), ['completed: one', 'completed: two']);
    assert.deepEqual(await seriousViolations(page), []);
    await context.close();
  });
});

describe('the settings page', () => {
  it('saves only what changed with PATCH, keeping the other settings, and names the field the API refuses', async () => {
    const { context, page, api } = await signedIn();
    await api.patch('/api/me/settings', { email: 'me@example.com' });
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('combobox', { name: 'Time zone' }).fill('Asia/Tokyo');
    await page.getByRole('checkbox', { name: 'Remind me before' }).check();
    await page.getByRole('spinbutton', { name: 'Amount' }).fill('1');
    await page.getByRole('combobox', { name: 'Unit' }).selectOption('hours');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
    const { body } = await api.get('/api/me/settings');
    assert.deepEqual([body.timezone, body.default_reminder_offset, body.email], ['Asia/Tokyo', 'PT1H', 'me@example.com']);
    // Webhook delivery without a webhook URL is refused by the API, which names the field.
    await page.getByRole('checkbox', { name: 'Webhook' }).check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    assert.match(await page.getByRole('alert').innerText(), /channels/);
    assert.deepEqual(await seriousViolations(page), []);
    await context.close();
  });
});

describe('the assistant panel', () => {
  it('shows the reply and the actions a turn took, and Undo reverts the turn', async () => {
    const { context, page, api } = await signedIn();
    const panel = page.getByRole('region', { name: 'Assistant' });
    await panel.getByRole('textbox', { name: 'Message the assistant' }).fill('add call mom tomorrow 5pm #family');
    await panel.getByRole('button', { name: 'Send' }).click();
    await panel.getByText(/add task/).waitFor();
    // The list shows what the assistant added.
    await page.getByRole('button', { name: 'call mom', exact: true }).waitFor();
    assert.equal((await api.get('/api/tasks')).body.items.length, 1);
    await panel.getByRole('button', { name: 'Undo' }).click();
    await page.getByRole('button', { name: 'call mom', exact: true }).waitFor({ state: 'detached' });
    assert.equal((await api.get('/api/tasks')).body.items.length, 0);
    assert.deepEqual(await seriousViolations(page), []);
    await context.close();
  });
});
