import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, describe, it } from 'node:test';
import { createTask } from '../../shared/db/tasks.ts';
import { TaskCreate } from '../../shared/domain/task.ts';
import { withRuntime } from '../../shared/runtime/current.ts';
import { openPage, seriousViolations, signInAs, useBrowser } from '../../test/browser.ts';
import { freePort } from '../../test/free-port.ts';
import { clientFor, loadHost, newUser, serveHost } from '../../test/helpers.ts';

// Live updates in Chromium: two tabs of one user, kept current by GET /api/sync through the sync
// client (one poll shared by the tabs), against the local host in dev auth mode.
const app = serveHost(() => ({ AUTH_MODE: 'dev' }));
const { browser } = useBrowser();
const latencies: number[] = [];
after(() => {
  if (latencies.length > 0) process.stdout.write(`# other-tab latency in the page (ms): ${latencies.map((ms) => ms.toFixed(0)).join(', ')}\n`);
});

async function twoTabs() {
  const user = newUser();
  const first = await openPage(browser(), `${app.url()}/`);
  await signInAs(first.page, user);
  // A second tab of the same browser, signed in as the same user.
  const second = await first.context.newPage();
  await second.goto(`${app.url()}/`);
  await signInAs(second, user);
  for (const page of [first.page, second]) await page.getByRole('status', { name: 'Sync: Live' }).waitFor();
  return { ...first, second, api: await clientFor(app.url(), user) };
}

describe('live updates', () => {
  it('shows a task created in one tab in the other, without a reload, and says the page is live', async () => {
    const { context, page, second, errors } = await twoTabs();
    const field = page.getByRole('textbox', { name: 'Add a task' });
    const before = Date.now();
    await field.fill('water the plants every saturday #home');
    await field.press('Enter');
    await second.getByRole('button', { name: 'water the plants', exact: true }).waitFor();
    const applied = Number(await second.evaluate('document.documentElement.dataset.changeAppliedAt'));
    assert.ok(applied >= before, 'the second tab applied a change after the task was added');
    latencies.push(applied - before);
    assert.deepEqual(await seriousViolations(second), []);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('shows a change made elsewhere (the API) in both tabs, and catches up after being offline', async () => {
    const { context, page, second, api } = await twoTabs();
    await api.post('/api/tasks', { title: 'from another device' });
    for (const tab of [page, second]) await tab.getByRole('button', { name: 'from another device', exact: true }).waitFor();
    await context.setOffline(true);
    await api.post('/api/tasks', { title: 'made while offline' });
    await context.setOffline(false);
    for (const tab of [page, second]) await tab.getByRole('button', { name: 'made while offline', exact: true }).waitFor();
    await context.close();
  });

  it('keeps seven tabs of one user current over HTTP/1.1 (six connections per host) with one poll among them', async () => {
    const user = newUser();
    const first = await openPage(browser(), `${app.url()}/`);
    await signInAs(first.page, user);
    const polls = new Set<string>();
    first.context.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/sync' && new URL(r.url()).searchParams.has('wait')) polls.add(r.frame().page().url() + '#' + String(first.context.pages().indexOf(r.frame().page())));
    });
    const tabs = [first.page];
    for (let i = 1; i < 7; i++) {
      const tab = await first.context.newPage();
      await tab.goto(`${app.url()}/`);
      await signInAs(tab, user);
      tabs.push(tab);
    }
    for (const tab of tabs) await tab.getByRole('status', { name: 'Sync: Live' }).waitFor();
    const api = await clientFor(app.url(), user);
    await api.post('/api/tasks', { title: 'seen by all seven' });
    for (const tab of tabs) await tab.getByRole('button', { name: 'seen by all seven', exact: true }).waitFor();
    // Held polls come from the leader tab alone: the others hear its BroadcastChannel.
    assert.equal(polls.size, 1, [...polls].join(', '));
    await first.context.close();
  });

  it('rides out a server restart mid-poll: says it is reconnecting, then shows the change made meanwhile', async () => {
    const handler = await withRuntime(app.runtime(), loadHost);
    const port = await freePort();
    const listen = () =>
      new Promise<Server>((resolve) => {
        const server = createServer((req, res) => void withRuntime(app.runtime(), () => handler(req, res)));
        server.listen(port, '127.0.0.1', () => resolve(server));
      });
    let server = await listen();
    const user = newUser();
    const { context, page } = await openPage(browser(), `http://127.0.0.1:${port}/`);
    await signInAs(page, user);
    await page.getByRole('status', { name: 'Sync: Live' }).waitFor();
    // Down while a poll is held: the connection drops under it.
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await page.getByRole('status', { name: 'Sync: Reconnecting…' }).waitFor();
    // Written by another replica of the database meanwhile.
    await withRuntime(app.runtime(), () => createTask({ userId: user, source: 'test' }, TaskCreate.parse({ title: 'made while the server was down' })));
    server = await listen();
    await page.getByRole('button', { name: 'made while the server was down', exact: true }).waitFor();
    await page.getByRole('status', { name: 'Sync: Live' }).waitFor();
    await context.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
});
