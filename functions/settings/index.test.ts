import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientFor, loadHost, serve } from '../../test/helpers.ts';

const app = serve(loadHost);

describe('/api/me/settings', () => {
  it('answers the defaults before the first save', async () => {
    const c = await clientFor(app.url());
    const res = await c.get('/api/me/settings');
    assert.equal(res.status, 200);
    assert.deepEqual(
      { ...res.body, webhook_secret: undefined },
      { timezone: 'UTC', email: null, webhook_url: null, webhook_secret: undefined, default_reminder_offset: null, channels: ['in_app'], updated_at: null },
    );
  });

  it('replaces the settings, filling what is left out with defaults, and keeps the webhook secret across saves', async () => {
    const c = await clientFor(app.url());
    const first = await c.put('/api/me/settings', {
      timezone: 'Europe/Berlin', email: 'me@example.com', webhook_url: 'https://hooks.example.com/taskfn',
      default_reminder_offset: 'PT30M', channels: ['in_app', 'webhook', 'email'],
    });
    assert.equal(first.status, 200);
    assert.equal(first.body.timezone, 'Europe/Berlin');
    assert.match(first.body.webhook_secret, /^[0-9a-f]{64}$/);
    const second = await c.put('/api/me/settings', { timezone: 'America/New_York' });
    assert.equal(second.body.email, null);
    assert.deepEqual(second.body.channels, ['in_app']);
    assert.equal(second.body.webhook_secret, first.body.webhook_secret);
    assert.deepEqual((await c.get('/api/me/settings')).body, second.body);
  });

  it('refuses bad input naming the field, and stores nothing', async () => {
    const c = await clientFor(app.url());
    const cases: [unknown, string][] = [
      [{ timezone: 'Mars/Olympus' }, 'timezone'],
      [{ email: 'not-an-email' }, 'email'],
      [{ webhook_url: 'ftp://example.com/x' }, 'webhook_url'],
      [{ default_reminder_offset: 'P1M' }, 'default_reminder_offset'],
      [{ default_reminder_offset: 'PT' }, 'default_reminder_offset'],
      [{ channels: ['sms'] }, 'channels.0'],
      [{ channels: ['in_app', 'in_app'] }, 'channels'],
      [{ channels: ['webhook'] }, 'channels'],
      [{ channels: ['email'] }, 'channels'],
      [{ colour: 'blue' }, 'colour'],
    ];
    for (const [body, path] of cases) {
      const res = await c.put('/api/me/settings', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.details[0].path, path, JSON.stringify(body));
    }
    assert.equal((await c.get('/api/me/settings')).body.updated_at, null);
  });

  it('changes only the fields a PATCH names, keeping the time zone, webhook and channels', async () => {
    const c = await clientFor(app.url());
    const saved = await c.put('/api/me/settings', {
      timezone: 'Europe/Berlin', webhook_url: 'https://hooks.example.com/taskfn', channels: ['in_app', 'webhook'],
    });
    const patched = await c.patch('/api/me/settings', { default_reminder_offset: 'PT15M' });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body, { ...saved.body, default_reminder_offset: 'PT15M', updated_at: patched.body.updated_at });
    assert.deepEqual((await c.get('/api/me/settings')).body, patched.body);
  });

  it('clears a nullable field given null in a PATCH', async () => {
    const c = await clientFor(app.url());
    await c.put('/api/me/settings', { email: 'me@example.com', default_reminder_offset: 'PT1H' });
    const patched = await c.patch('/api/me/settings', { default_reminder_offset: null });
    assert.deepEqual([patched.status, patched.body.default_reminder_offset, patched.body.email], [200, null, 'me@example.com']);
  });

  it('saves a first PATCH over the defaults, with a webhook secret', async () => {
    const c = await clientFor(app.url());
    const patched = await c.patch('/api/me/settings', { timezone: 'Asia/Tokyo' });
    assert.equal(patched.status, 200);
    assert.deepEqual([patched.body.timezone, patched.body.channels], ['Asia/Tokyo', ['in_app']]);
    assert.match(patched.body.webhook_secret, /^[0-9a-f]{64}$/);
  });

  it('refuses a PATCH whose merged settings break a rule, naming the field it sent, and stores nothing', async () => {
    const c = await clientFor(app.url());
    const saved = await c.put('/api/me/settings', { webhook_url: 'https://hooks.example.com/taskfn', channels: ['in_app', 'webhook'] });
    const cases: [unknown, string][] = [
      [{ webhook_url: null }, 'webhook_url'],
      [{ channels: ['email'] }, 'channels'],
      [{ timezone: null }, 'timezone'],
      [{ channels: null }, 'channels'],
      [{ timezone: 'Mars/Olympus' }, 'timezone'],
      [{ colour: 'blue' }, 'colour'],
    ];
    for (const [body, path] of cases) {
      const res = await c.patch('/api/me/settings', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.details[0].path, path, JSON.stringify(body));
    }
    assert.deepEqual((await c.get('/api/me/settings')).body, saved.body);
  });

  it('keeps both changes of two PATCHes racing on a user without settings', async () => {
    for (let round = 0; round < 5; round++) {
      const c = await clientFor(app.url());
      const [a, b] = await Promise.all([
        c.patch('/api/me/settings', { timezone: 'Europe/Paris' }),
        c.patch('/api/me/settings', { default_reminder_offset: 'PT5M' }),
      ]);
      assert.deepEqual([a.status, b.status], [200, 200]);
      const now = (await c.get('/api/me/settings')).body;
      assert.deepEqual([now.timezone, now.default_reminder_offset], ['Europe/Paris', 'PT5M'], `round ${round}`);
    }
  });

  it("keeps each user's settings to that user", async () => {
    const alice = await clientFor(app.url());
    const bob = await clientFor(app.url());
    await alice.put('/api/me/settings', { timezone: 'Asia/Tokyo' });
    assert.equal((await bob.get('/api/me/settings')).body.timezone, 'UTC');
  });
});
