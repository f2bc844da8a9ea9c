import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { openPage, seriousViolations, signInAs, useBrowser } from '../../test/browser.ts';
import { clientFor, eventually, newUser, serveHost } from '../../test/helpers.ts';
import { formatDue } from './app/format.ts';

// The "Done when", walked as a new user does it, in Chromium against the local host in dev
// auth mode: sign in, quick add, a second tab sees it, edit the reminder, complete it in the second
// tab, both tabs show the next occurrence, the activity chart counts it all.
const app = serveHost(() => ({ AUTH_MODE: 'dev' }));
const { browser } = useBrowser();
const timeZone = 'Europe/Berlin';
let otherTabMs: number | undefined;
after(() => {
  if (otherTabMs !== undefined) process.stdout.write(`# done-when: the second tab showed the quick-added task after ${otherTabMs.toFixed(0)} ms\n`);
});

describe('a new user, start to finish', () => {
  it('signs in, quick-adds a weekly task, sees it in a second tab, edits its reminder, completes it there, sees the next one in both tabs, and reads the chart', async () => {
    const user = newUser();
    const { context, page: first, errors } = await openPage(browser(), `${app.url()}/`, { timezoneId: timeZone });
    await signInAs(first, user);
    const second = await context.newPage();
    await second.goto(`${app.url()}/`);
    await signInAs(second, user);
    for (const tab of [first, second]) await tab.getByRole('status', { name: 'Sync: Live' }).waitFor();
    const api = await clientFor(app.url(), user);

    // Quick add shows what it will save before Enter.
    const field = first.getByRole('textbox', { name: 'Add a task' });
    await field.fill('water the plants every saturday #home');
    const chips = first.getByRole('list', { name: 'Will be saved as' }).getByRole('listitem');
    await chips.first().waitFor();
    const shown = await chips.allInnerTexts();
    assert.deepEqual(shown.map((c) => c.split(':')[0]), ['Title', 'Due', 'Tags', 'Repeats']);
    assert.deepEqual([shown[0], shown[2], shown[3]], ['Title: water the plants', 'Tags: #home', 'Repeats: every week on Saturday']);
    const before = Date.now();
    await field.press('Enter');

    // The second tab shows it, live.
    const title = (tab: typeof first) => tab.getByRole('button', { name: 'water the plants', exact: true });
    await title(second).waitFor();
    otherTabMs = Number(await second.evaluate('document.documentElement.dataset.changeAppliedAt')) - before;
    const [task] = (await api.get('/api/tasks')).body.items;
    assert.equal(new Date(task.due_at).toLocaleDateString('en-GB', { timeZone, weekday: 'long' }), 'Saturday');
    assert.match(shown[1]!, new RegExp(`^Due: ${formatDue(task.due_at, { now: new Date(), timeZone }).replace(/ \d\d:\d\d$/, '')}`));

    // The first tab's editor gives it a reminder 30 minutes before; the server has it, and the editor shows it again.
    await title(first).click();
    let dialog = first.getByRole('dialog', { name: 'Edit task' });
    await dialog.getByRole('button', { name: 'Add a reminder' }).click();
    const reminder = () => dialog.getByRole('group', { name: 'Reminder 1' });
    await reminder().getByRole('spinbutton', { name: 'Amount' }).fill('30');
    await reminder().getByRole('combobox', { name: 'Unit' }).selectOption('minutes');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const reminders = (await api.get(`/api/tasks/${task.id}/reminders`)).body.items;
    assert.deepEqual(reminders.map((r: { offset: string }) => r.offset), ['PT30M']);
    await title(first).click();
    dialog = first.getByRole('dialog', { name: 'Edit task' });
    assert.equal(await reminder().getByRole('spinbutton', { name: 'Amount' }).inputValue(), '30');
    assert.equal(await reminder().getByRole('combobox', { name: 'Unit' }).inputValue(), 'minutes');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });

    // Completed in the second tab: the next Saturday's task appears in both.
    await second.getByRole('checkbox', { name: 'Complete “water the plants”' }).click();
    const next = await eventually(async () => (await api.get('/api/tasks')).body.items.find((t: { id: string }) => t.id !== task.id));
    assert.equal(Date.parse(next.due_at) - Date.parse(task.due_at), 7 * 86_400_000);
    const nextDue = `Due ${formatDue(next.due_at, { now: new Date(), timeZone })}`;
    for (const tab of [first, second]) {
      await tab.getByRole('listitem').filter({ hasText: nextDue }).getByRole('button', { name: 'water the plants', exact: true }).waitFor();
      await eventually(async () => (await tab.getByRole('checkbox', { name: 'Complete “water the plants”' }).count()) === 1);
    }

    // The activity chart: two created (the task and its next occurrence), one completed.
    await eventually(async () => (await api.get('/api/activity?limit=10')).body.items.length >= 3);
    await first.getByRole('link', { name: 'Activity' }).click();
    const chart = first.getByRole('img', { name: /Tasks created and completed per day/ });
    await chart.waitFor();
    // Its accessible name is its title and its description, as a screen reader announces it.
    assert.match(await chart.ariaSnapshot(), /^- img "Tasks created and completed per day.*\b2 created and 1 completed over \d+ days?"/);
    assert.deepEqual(await seriousViolations(first), []);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
