import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { openPage, signInAs, useBrowser } from '../../test/browser.ts';
import { clientFor, eventually, serveHost } from '../../test/helpers.ts';

// The README's pictures of the app (docs/screenshots/): the list, the editor with its recurrence
// preview, and the activity chart, for a user with a few tasks.
//
// A run rewrites a picture only when the app's look changed: when more than MAX_CHANGED of its
// pixels differ from the committed one (both decoded in Chromium), so `npm test` leaves the tree
// clean. For the threshold to be that small the pictures must not move with the day they are
// taken: the page's clock is fixed (FIXED), the user's name is fixed, and the API's answers are
// seen as if the data were written at FIXED: every time in them is moved by FIXED - (the moment
// the data was written), every time the page sends is moved back, and due dates are hours from
// that moment. The server still works in real time, so an overdue task is overdue for it too.
const dir = path.join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
const app = serveHost(() => ({ AUTH_MODE: 'dev' }));
const { browser } = useBrowser();
/** In the past: the app signs out once Date.now passes its token's expiry. UTC has no DST to move hours. */
const FIXED = Date.parse('2026-01-15T12:00:00Z');
/** Share of pixels that may differ before a picture counts as changed (the text caret blinks). */
const MAX_CHANGED = 0.001;
const DAY = 86_400_000;

const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const dateTimePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Every date and time in a JSON value moved by `ms` (dates alone by whole days). */
function shifted(value: unknown, ms: number): unknown {
  if (typeof value === 'string') {
    if (dateTimePattern.test(value)) return new Date(Date.parse(value) + ms).toISOString();
    if (datePattern.test(value)) return new Date(Date.parse(value) + Math.round(ms / DAY) * DAY).toISOString().slice(0, 10);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => shifted(v, ms));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shifted(v, ms)]));
  return value;
}

/** The page sees the API as if it were FIXED when the data was written at `written`. */
async function seenAt(context: BrowserContext, written: number): Promise<void> {
  // Dates alone move by the whole days nearest to it: FIXED is at noon, so the day the data was
  // written becomes FIXED's day.
  const ms = FIXED - written;
  await context.route(/\/api\//, async (route) => {
    const request = route.request();
    const url = new URL(request.url());
    for (const [key, value] of url.searchParams) url.searchParams.set(key, shifted(value, -ms) as string);
    const body = request.postData();
    const json = body && request.headers()['content-type']?.includes('json');
    const answer = await route.fetch({ url: url.toString(), ...(json ? { postData: JSON.stringify(shifted(JSON.parse(body), -ms)) } : {}) });
    if (!answer.headers()['content-type']?.includes('json')) return route.fulfill({ response: answer });
    const { 'content-length': _, 'content-encoding': __, ...headers } = answer.headers();
    await route.fulfill({ response: answer, headers, body: JSON.stringify(shifted(await answer.json(), ms)) });
  });
}

/**
 * The share of pixels that differ between two PNGs (1 when their sizes differ), decoded and compared
 * in Chromium, on a blank page (the app's policy refuses data: URLs).
 */
async function changedShare(blank: Page, a: Buffer, b: Buffer): Promise<number> {
  const image = (png: Buffer) => `(async () => {
    const bitmap = await createImageBitmap(await (await fetch('data:image/png;base64,${png.toString('base64')}')).blob());
    const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
    context.drawImage(bitmap, 0, 0);
    return context.getImageData(0, 0, bitmap.width, bitmap.height);
  })()`;
  // A channel off by a few levels is antialiasing, not a change of look.
  return blank.evaluate<number>(`Promise.all([${image(a)}, ${image(b)}]).then(([x, y]) => {
    if (x.width !== y.width || x.height !== y.height) return 1;
    let changed = 0;
    for (let i = 0; i < x.data.length; i += 4) {
      for (let c = 0; c < 4; c++) if (Math.abs(x.data[i + c] - y.data[i + c]) > 8) { changed++; break; }
    }
    return changed / (x.width * x.height);
  })`);
}

/** Writes the picture unless the committed one looks the same; answers whether it wrote. */
async function keep(decoder: Page, file: string, shot: Buffer): Promise<boolean> {
  const committed = await readFile(path.join(dir, file)).catch(() => undefined);
  if (committed && (await changedShare(decoder, committed, shot)) <= MAX_CHANGED) return false;
  await writeFile(path.join(dir, file), shot);
  return true;
}

describe('the README screenshots', () => {
  it('show the list with quick add, the editor with the next dates, and the activity chart, and are rewritten only when the look changed', async () => {
    await mkdir(dir, { recursive: true });
    const user = 'ada';
    const api = await clientFor(app.url(), user);
    await api.patch('/api/me/settings', { timezone: 'UTC' });
    // A whole minute: a series' dates carry no milliseconds.
    const written = Math.floor(Date.now() / 60_000) * 60_000;
    const at = (hours: number) => new Date(written + hours * 3_600_000).toISOString();
    const tasks = [
      { title: 'Pay rent', priority: 'high', due_at: at(30), tags: ['home'], recurrence: { freq: 'monthly', by_month_day: [1] } },
      { title: 'Water the plants', due_at: at(20), tags: ['home'], recurrence: { freq: 'weekly', by_weekday: ['SA'] } },
      { title: 'Send the quarterly report', priority: 'critical', due_at: at(-5), tags: ['work'] },
      { title: 'Book dentist appointment', due_at: at(72), tags: ['health'] },
      // Daily, so its next dates, computed by the server in real time, move with the data alone.
      { title: 'Take the vitamins', due_at: at(21), tags: ['health'], recurrence: { freq: 'daily' } },
      { title: 'Buy oat milk', priority: 'low', tags: ['errands'] },
    ];
    for (const t of tasks) await api.post('/api/tasks', t);
    for (const title of ['Renew passport', 'Call mom', 'Fix the bike']) {
      const { body } = await api.post('/api/tasks', { title, due_at: at(2) });
      await api.post(`/api/tasks/${body.id}/complete`);
    }
    await eventually(async () => (await api.get('/api/activity?limit=20')).body.items.length === 12);

    const { context, page, errors } = await openPage(browser(), 'about:blank', { viewport: { width: 1000, height: 760 }, timezoneId: 'UTC', colorScheme: 'light', reducedMotion: 'reduce' });
    await seenAt(context, written);
    await page.clock.setFixedTime(FIXED);
    await page.goto(`${app.url()}/`);
    await signInAs(page, user);
    const shots: Record<string, Buffer> = {};

    await page.getByRole('textbox', { name: 'Add a task' }).fill('water the plants every saturday #home');
    const chips = await page.getByRole('list', { name: 'Will be saved as' }).getByRole('listitem').allInnerTexts();
    assert.deepEqual(chips, ['Title: water the plants', 'Due: Sat 17 Jan 09:00', 'Tags: #home', 'Repeats: every week on Saturday']);
    await page.getByRole('button', { name: 'Pay rent', exact: true }).waitFor();
    await page.getByRole('status', { name: 'Sync: Live' }).waitFor();
    assert.equal(await page.getByRole('listitem').filter({ hasText: 'Send the quarterly report' }).getByText('Overdue').count(), 1);
    shots['list.png'] = await page.screenshot();

    await page.getByRole('textbox', { name: 'Add a task' }).fill('');
    // Tall enough for the whole dialog, the next dates included.
    await page.setViewportSize({ width: 1000, height: 1400 });
    await page.getByRole('button', { name: 'Take the vitamins', exact: true }).click();
    const next = page.getByRole('list', { name: 'Next dates' }).getByRole('listitem');
    await next.nth(4).waitFor();
    assert.deepEqual(await next.allInnerTexts(), ['tomorrow 09:00', 'Sat 17 Jan 09:00', 'Sun 18 Jan 09:00', 'Mon 19 Jan 09:00', 'Tue 20 Jan 09:00']);
    shots['editor.png'] = await page.getByRole('dialog', { name: 'Edit task' }).screenshot();
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 1000, height: 760 });

    await page.getByRole('link', { name: 'Activity' }).click();
    const chart = page.getByRole('img', { name: /Tasks created and completed/ });
    await chart.waitFor();
    assert.match(await chart.ariaSnapshot(), /9 created and 3 completed/);
    shots['activity.png'] = await page.screenshot();
    assert.deepEqual(errors, []);

    const blank = await context.newPage();
    for (const [file, shot] of Object.entries(shots)) {
      const wrote = await keep(blank, file, shot);
      process.stdout.write(`# ${file}: ${wrote ? 'rewritten (the look changed)' : 'kept (looks the same)'}\n`);
      // What is on disk now is this run's picture, give or take the threshold.
      assert.ok((await changedShare(blank, await readFile(path.join(dir, file)), shot)) <= MAX_CHANGED, file);
    }
    // The held poll is still being fetched through the route.
    await context.unrouteAll({ behavior: 'ignoreErrors' });
    await context.close();
  });
});
