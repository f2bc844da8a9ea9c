import assert from 'node:assert/strict';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openPage, signInAs, useBrowser } from '../../test/browser.ts';
import { clientFor, eventually, newUser, serveHost } from '../../test/helpers.ts';

// The README's pictures of the app, taken by every test run into docs/screenshots/: the list, the
// editor with its recurrence preview, and the activity chart, for a user with a week of tasks.
const dir = path.join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
const app = serveHost(() => ({ AUTH_MODE: 'dev' }));
const { browser } = useBrowser();
const at = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

describe('the README screenshots', () => {
  it('are taken of the list, the editor with the recurrence preview, and the activity chart', async () => {
    await mkdir(dir, { recursive: true });
    const user = newUser();
    const api = await clientFor(app.url(), user);
    const tasks = [
      { title: 'Pay rent', priority: 'high', due_at: at(30), tags: ['home'], recurrence: { freq: 'monthly', by_month_day: [1] } },
      { title: 'Water the plants', due_at: at(20), tags: ['home'], recurrence: { freq: 'weekly', by_weekday: ['SA'] } },
      { title: 'Send the quarterly report', priority: 'critical', due_at: at(-5), tags: ['work'] },
      { title: 'Book dentist appointment', due_at: at(72), tags: ['health'] },
      { title: 'Buy oat milk', priority: 'low', tags: ['errands'] },
    ];
    for (const t of tasks) await api.post('/api/tasks', t);
    for (const title of ['Renew passport', 'Call mom', 'Fix the bike']) {
      const { body } = await api.post('/api/tasks', { title, due_at: at(2) });
      await api.post(`/api/tasks/${body.id}/complete`);
    }
    await eventually(async () => (await api.get('/api/activity?limit=20')).body.items.length === 11);

    const { context, page } = await openPage(browser(), `${app.url()}/`, { viewport: { width: 1000, height: 760 }, timezoneId: 'Europe/Berlin', colorScheme: 'light' });
    await signInAs(page, user);
    await page.getByRole('textbox', { name: 'Add a task' }).fill('water the plants every saturday #home');
    await page.getByRole('list', { name: 'Will be saved as' }).waitFor();
    await page.getByRole('button', { name: 'Pay rent', exact: true }).waitFor();
    await page.screenshot({ path: path.join(dir, 'list.png') });

    await page.getByRole('textbox', { name: 'Add a task' }).fill('');
    // Tall enough for the whole dialog, the next dates included.
    await page.setViewportSize({ width: 1000, height: 1400 });
    await page.getByRole('button', { name: 'Pay rent', exact: true }).click();
    await page.getByRole('list', { name: 'Next dates' }).getByRole('listitem').nth(4).waitFor();
    await page.getByRole('dialog', { name: 'Edit task' }).screenshot({ path: path.join(dir, 'editor.png') });
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 1000, height: 760 });

    await page.getByRole('link', { name: 'Activity' }).click();
    await page.getByRole('img', { name: /Tasks created and completed/ }).waitFor();
    await page.screenshot({ path: path.join(dir, 'activity.png') });
    for (const file of ['list.png', 'editor.png', 'activity.png']) assert.ok((await stat(path.join(dir, file))).size > 10_000, file);
    await context.close();
  });
});
