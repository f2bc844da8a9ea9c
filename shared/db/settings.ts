import { randomBytes } from 'node:crypto';
import { type Settings, type SettingsInput, type SettingsPatch, defaultSettings, mergeSettings } from '../domain/settings.ts';
import { syncedTransaction } from '../sync/commit.ts';
import { type Sql, type Tx, db } from './client.ts';

interface Row {
  timezone: string;
  email: string | null;
  webhook_url: string | null;
  webhook_secret: string;
  default_reminder_offset: string | null;
  channels: Settings['channels'];
  updated_at: Date | null;
}

const newSecret = () => randomBytes(32).toString('hex');

const toSettings = (row: Row): Settings => ({ ...row, updated_at: row.updated_at?.toISOString() ?? null });

/** A user who never saved settings gets the defaults (UTC, in-app only); nothing is written for a read. */
export async function getSettings(userId: string, tx: Tx | Sql = db()): Promise<Settings> {
  const [row] = await tx<Row[]>`
    select timezone, email, webhook_url, webhook_secret, default_reminder_offset, channels, updated_at
    from user_settings
    where user_id = ${userId}`;
  return row ? toSettings(row) : { ...defaultSettings, webhook_secret: '', updated_at: null };
}

/** Replaces the user's settings; the webhook secret is made once and kept across saves. */
export async function putSettings(userId: string, input: SettingsInput): Promise<Settings> {
  const sql = db();
  const [row] = await syncedTransaction(sql, (tx) => tx<Row[]>`
    insert into user_settings (user_id, timezone, email, webhook_url, webhook_secret, default_reminder_offset, channels)
    values (
      ${userId}, ${input.timezone}, ${input.email}, ${input.webhook_url}, ${newSecret()},
      ${input.default_reminder_offset}, ${input.channels}::text[]
    )
    on conflict (user_id) do update
    set timezone = excluded.timezone,
      email = excluded.email,
      webhook_url = excluded.webhook_url,
      default_reminder_offset = excluded.default_reminder_offset,
      channels = excluded.channels,
      updated_at = now()
    returning timezone, email, webhook_url, webhook_secret, default_reminder_offset, channels, updated_at`);
  return toSettings(row!);
}

/**
 * Changes the fields the patch names and keeps the rest. The row is made (with the defaults) and
 * locked first, so two racing patches apply one after the other and both changes stay; a patch
 * whose result breaks a rule rolls back, leaving nothing written.
 */
export async function patchSettings(userId: string, patch: SettingsPatch): Promise<Settings> {
  const sql = db();
  return syncedTransaction(sql, async (tx) => {
    await tx`
      insert into user_settings (user_id, webhook_secret)
      values (${userId}, ${newSecret()})
      on conflict (user_id) do nothing`;
    const [current] = await tx<Row[]>`
      select timezone, email, webhook_url, webhook_secret, default_reminder_offset, channels, updated_at
      from user_settings
      where user_id = ${userId}
      for update`;
    const next = mergeSettings(current!, patch);
    const [row] = await tx<Row[]>`
      update user_settings
      set timezone = ${next.timezone},
        email = ${next.email},
        webhook_url = ${next.webhook_url},
        default_reminder_offset = ${next.default_reminder_offset},
        channels = ${next.channels}::text[],
        updated_at = now()
      where user_id = ${userId}
      returning timezone, email, webhook_url, webhook_secret, default_reminder_offset, channels, updated_at`;
    return toSettings(row!);
  });
}
