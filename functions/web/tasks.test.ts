import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openPage, seriousViolations, signInAs, useBrowser } from '../../test/browser.ts';
import { clientFor, eventually, newUser, serveHost } from '../../test/helpers.ts';

// The task list, quick add and the editor in Chromium, against the local host in dev auth mode.
const app = serveHost(() => ({ AUTH_MODE: 'dev' }));
const { browser } = useBrowser();

async function signedIn(options: Parameters<typeof openPage>[2] = {}) {
  const user = newUser();
  const opened = await openPage(browser(), `${app.url()}/`, options);
  await signInAs(opened.page, user);
  return { ...opened, user, api: await clientFor(app.url(), user) };
}

const hoursFromNow = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

describe('quick add', () => {
  it('shows what will be saved as chips before Enter, saves on Enter, and keeps the focus in the field', async () => {
    const { context, page, api, errors } = await signedIn();
    const field = page.getByRole('textbox', { name: 'Add a task' });
    await field.fill('pay rent on the 1st of every month #home high priority');
    const chips = page.getByRole('list', { name: 'Will be saved as' }).getByRole('listitem');
    await chips.first().waitFor();
    const shown = await chips.allInnerTexts();
    assert.deepEqual(shown.map((c) => c.split(':')[0]), ['Title', 'Due', 'Tags', 'Priority', 'Repeats']);
    assert.deepEqual([shown[0], shown[2], shown[3], shown[4]], ['Title: pay rent', 'Tags: #home', 'Priority: high', 'Repeats: every month on the 1st']);
    await field.press('Enter');
    await page.getByRole('button', { name: 'pay rent', exact: true }).waitFor();
    assert.equal(await page.evaluate('document.activeElement.id'), 'quick-add');
    assert.equal(await field.inputValue(), '');
    const [saved] = (await api.get('/api/tasks')).body.items;
    assert.deepEqual([saved.title, saved.priority, saved.tags, saved.recurring_task_id !== null], ['pay rent', 'high', ['home'], true]);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('the task list', () => {
  it('completes a task with one click on its checkbox, and the selected one with x', async () => {
    const { context, page, api } = await signedIn();
    await api.post('/api/tasks', { title: 'first' });
    await api.post('/api/tasks', { title: 'second' });
    await page.reload();
    await page.getByRole('checkbox', { name: 'Complete “second”' }).click();
    await page.getByRole('checkbox', { name: 'Complete “second”' }).waitFor({ state: 'detached' });
    // Focus on the list, then j to the first row and x.
    await page.getByRole('button', { name: 'first', exact: true }).focus();
    await page.keyboard.press('x');
    await page.getByText('No tasks here.').waitFor();
    assert.deepEqual((await api.get('/api/tasks?status=completed')).body.items.map((t: { title: string }) => t.title).sort(), ['first', 'second']);
    await context.close();
  });

  it('deletes a task with an undo toast that brings it back', async () => {
    const { context, page, api } = await signedIn();
    await api.post('/api/tasks', { title: 'dentist', tags: ['health'], priority: 'high' });
    await page.reload();
    await page.getByRole('button', { name: 'Delete “dentist”' }).click();
    await page.getByRole('button', { name: 'dentist', exact: true }).waitFor({ state: 'detached' });
    assert.equal((await api.get('/api/tasks')).body.items.length, 0);
    await page.getByRole('status').filter({ hasText: 'Deleted “dentist”' }).getByRole('button', { name: 'Undo' }).click();
    await page.getByRole('button', { name: 'dentist', exact: true }).waitFor();
    const [back] = (await api.get('/api/tasks')).body.items;
    assert.deepEqual([back.title, back.tags, back.priority], ['dentist', ['health'], 'high']);
    await context.close();
  });

  it('marks an overdue task with an icon and the word Overdue, and the Overdue view lists only such tasks', async () => {
    const { context, page, api } = await signedIn();
    await api.post('/api/tasks', { title: 'late', due_at: hoursFromNow(-2) });
    await api.post('/api/tasks', { title: 'later', due_at: hoursFromNow(48) });
    await page.reload();
    const late = page.getByRole('listitem').filter({ has: page.getByRole('button', { name: 'late', exact: true }) });
    assert.match(await late.innerText(), /⚠\s*Overdue/);
    await page.getByRole('button', { name: 'Overdue', exact: true }).click();
    await page.getByRole('button', { name: 'later', exact: true }).waitFor({ state: 'detached' });
    assert.deepEqual(await page.locator('.task-title').allInnerTexts(), ['late']);
    await page.getByRole('button', { name: 'Upcoming' }).click();
    await page.getByRole('button', { name: 'later', exact: true }).waitFor();
    assert.deepEqual(await page.locator('.task-title').allInnerTexts(), ['later']);
    await context.close();
  });

  it('searches, filters by priority, and loads the next page with "Load more tasks"', async () => {
    const { context, page, api } = await signedIn();
    for (let i = 0; i < 52; i++) await api.post('/api/tasks', { title: `chore ${i}`, priority: i === 7 ? 'critical' : 'low' });
    await page.reload();
    await page.getByRole('button', { name: 'Load more tasks' }).click();
    await page.getByRole('button', { name: 'chore 0', exact: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Load more tasks' }).count(), 0);
    assert.equal(await page.locator('.task-title').count(), 52);
    await page.getByRole('combobox', { name: 'Priority' }).selectOption('critical');
    await page.getByRole('button', { name: 'chore 0', exact: true }).waitFor({ state: 'detached' });
    assert.deepEqual(await page.locator('.task-title').allInnerTexts(), ['chore 7']);
    await page.getByRole('combobox', { name: 'Priority' }).selectOption('');
    await page.getByRole('searchbox', { name: 'Search tasks' }).fill('chore 51');
    await page.getByRole('button', { name: 'chore 7', exact: true }).waitFor({ state: 'detached' });
    assert.deepEqual(await page.locator('.task-title').allInnerTexts(), ['chore 51']);
    await context.close();
  });
});

describe('the editor', () => {
  it('is reachable by keyboard alone: q, type, Enter, j, e, change the title, Save, x completes', async () => {
    const { context, page, api } = await signedIn();
    await page.locator('body').focus();
    await page.keyboard.press('q');
    await page.keyboard.type('buy milk tomorrow 9am');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'buy milk', exact: true }).waitFor();
    await page.keyboard.press('Escape');
    await page.evaluate('document.activeElement.blur()');
    await page.keyboard.press('j');
    await page.keyboard.press('e');
    const title = page.getByRole('dialog', { name: 'Edit task' }).getByRole('textbox', { name: 'Title' });
    await title.fill('buy oat milk');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'buy oat milk', exact: true }).waitFor();
    await page.keyboard.press('x');
    await page.getByText('No tasks here.').waitFor();
    const [done] = (await api.get('/api/tasks?status=completed')).body.items;
    assert.deepEqual([done.title, done.completed], ['buy oat milk', true]);
    await context.close();
  });

  it('sends If-Match, and on a 409 says the task changed elsewhere and shows its current version', async () => {
    const { context, page, api } = await signedIn();
    const { body: task } = await api.post('/api/tasks', { title: 'report' });
    await page.reload();
    await page.getByRole('button', { name: 'report', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit task' });
    await dialog.getByRole('textbox', { name: 'Title' }).fill('report for Q4');
    // Someone else changes it while the editor is open.
    await api.patch(`/api/tasks/${task.id}`, { priority: 'critical' });
    await dialog.getByRole('button', { name: 'Save' }).click();
    const alert = dialog.getByRole('alert');
    assert.match(await alert.innerText(), /changed elsewhere[\s\S]*report, priority critical[\s\S]*version 2/);
    await dialog.getByRole('button', { name: 'Keep my changes over it' }).click();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const { body: now } = await api.get(`/api/tasks/${task.id}`);
    assert.deepEqual([now.title, now.priority, now.version], ['report for Q4', 'critical', 3]);
    await context.close();
  });
});

describe('the recurrence and reminder editors', () => {
  it("shows the next five dates from the API as the rule is edited, and saves the rule and a reminder", async () => {
    const { context, page, api } = await signedIn({ timezoneId: 'Europe/Berlin' });
    const { body: task } = await api.post('/api/tasks', { title: 'water the plants', due_at: hoursFromNow(24), recurrence: { freq: 'weekly', by_weekday: ['SA'] } });
    await page.reload();
    await page.getByRole('button', { name: 'water the plants', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit task' });
    const next = dialog.getByRole('list', { name: 'Next dates' }).getByRole('listitem');
    await next.nth(4).waitFor();
    assert.equal(await dialog.getByRole('checkbox', { name: 'Saturday' }).isChecked(), true);
    await dialog.getByRole('combobox', { name: 'Repeats' }).selectOption('monthly');
    await dialog.getByRole('spinbutton', { name: /Day of the month/ }).fill('15');
    const onThe15th = async () => (await next.allInnerTexts()).join(' | ');
    // Polled from here: the page's policy forbids the eval that a string waitForFunction needs.
    await eventually(async () => {
      const dates = await next.allInnerTexts();
      return dates.length === 5 && dates.every((d) => /\b15 [A-Z][a-z]{2}\b/.test(d));
    }, { timeoutMs: 5000 }).catch(async () => assert.fail(await onThe15th()));
    // A rule the API refuses is shown with the API's own words, naming the field.
    await dialog.getByRole('spinbutton', { name: /Day of the month/ }).fill('0');
    assert.match(await dialog.getByRole('alert').innerText(), /by_month_day.*must be 1 to 31/);
    await dialog.getByRole('spinbutton', { name: /Day of the month/ }).fill('15');
    await dialog.getByRole('button', { name: 'Add a reminder' }).click();
    await dialog.getByRole('group', { name: 'Reminder 1' }).getByRole('spinbutton', { name: 'Amount' }).fill('2');
    await dialog.getByRole('group', { name: 'Reminder 1' }).getByRole('combobox', { name: 'Unit' }).selectOption('hours');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const reminders = (await api.get(`/api/tasks/${task.id}/reminders`)).body.items;
    assert.deepEqual(reminders.map((r: { offset: string }) => r.offset), ['PT2H']);
    const { body: template } = await api.get(`/api/recurring-tasks/${task.recurring_task_id}`);
    assert.deepEqual([template.recurrence.freq, template.recurrence.by_month_day], ['monthly', [15]]);
    await context.close();
  });
});

describe('repeating from the editor', () => {
  it('makes a one-off task repeat weekly: the preview shows the next dates, and completing it brings the next occurrence', async () => {
    const { context, page, api } = await signedIn({ timezoneId: 'Europe/Berlin' });
    // Whole seconds: a series' dates carry no milliseconds.
    const due = new Date(Math.ceil(Date.parse(hoursFromNow(24)) / 60_000) * 60_000).toISOString();
    const { body: task } = await api.post('/api/tasks', { title: 'take out the bins', due_at: due });
    await page.reload();
    await page.getByRole('button', { name: 'take out the bins', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit task' });
    await dialog.getByRole('combobox', { name: 'Repeats' }).selectOption('weekly');
    const next = dialog.getByRole('list', { name: 'Next dates' }).getByRole('listitem');
    await next.nth(4).waitFor();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const { body: saved } = await api.get(`/api/tasks/${task.id}`);
    assert.notEqual(saved.recurring_task_id, null);
    await page.getByRole('checkbox', { name: 'Complete “take out the bins”' }).click();
    const following = await eventually(async () => (await api.get('/api/tasks')).body.items.find((t: { id: string }) => t.id !== task.id));
    assert.equal(Date.parse(following.due_at) - Date.parse(task.due_at), 7 * 86_400_000);
    await page.getByRole('button', { name: 'take out the bins', exact: true }).waitFor();
    await context.close();
  });

  it('stops a series with "Stop repeating": the task stays, due as it was, and no longer repeats', async () => {
    const { context, page, api } = await signedIn();
    const { body: task } = await api.post('/api/tasks', { title: 'water the plants', due_at: hoursFromNow(24), recurrence: { freq: 'weekly' } });
    await page.reload();
    await page.getByRole('button', { name: 'water the plants', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit task' });
    await dialog.getByRole('button', { name: 'Stop repeating' }).click();
    assert.equal(await dialog.getByRole('combobox', { name: 'Repeats' }).inputValue(), 'none');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const { body: saved } = await api.get(`/api/tasks/${task.id}`);
    assert.deepEqual([saved.recurring_task_id, saved.due_at], [null, task.due_at]);
    assert.equal((await api.get(`/api/recurring-tasks/${task.recurring_task_id}`)).body.active, false);
    await context.close();
  });
});

describe('every view', () => {
  it('has no serious or critical accessibility violation: the list, the editor, the shortcuts', async () => {
    const { context, page, api } = await signedIn();
    await api.post('/api/tasks', { title: 'late', due_at: hoursFromNow(-1), tags: ['home'], priority: 'high' });
    await page.reload();
    await page.getByRole('button', { name: 'late', exact: true }).waitFor();
    assert.deepEqual(await seriousViolations(page), [], 'the list');
    await page.getByRole('button', { name: 'late', exact: true }).click();
    await page.getByRole('dialog', { name: 'Edit task' }).waitFor();
    assert.deepEqual(await seriousViolations(page), [], 'the editor');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Edit task' }).waitFor({ state: 'detached' });
    await page.evaluate('document.activeElement.blur()');
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    assert.deepEqual(await seriousViolations(page), [], 'the shortcuts');
    await context.close();
  });

  it('fits a 360 px phone without sideways scrolling, in the dark colour scheme, with no serious violation', async () => {
    const { context, page, api } = await signedIn({ viewport: { width: 360, height: 740 }, colorScheme: 'dark', reducedMotion: 'reduce' });
    await api.post('/api/tasks', { title: 'a task with a rather long title that has to wrap on a phone', due_at: hoursFromNow(-1), tags: ['home', 'errands'] });
    await page.reload();
    await page.getByRole('button', { name: 'a task with a rather long title that has to wrap on a phone', exact: true }).waitFor();
    assert.equal(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), true);
    assert.equal(await page.evaluate("getComputedStyle(document.body).backgroundColor"), 'rgb(18, 18, 18)');
    assert.deepEqual(await seriousViolations(page), []);
    await context.close();
  });
});
