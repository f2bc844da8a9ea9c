import { randomBytes } from 'node:crypto';
import type { Settings, SettingsInput } from '../domain/settings.ts';
import { sql, type Tx } from './client.ts';

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
export async function getSettings(userId: string, tx: Tx | typeof sql = sql): Promise<Settings> {
  const [row] = await tx<Row[]>`
    select timezone, email, webhook_url, webhook_secret, default_reminder_offset, channels, updated_at
    from user_settings
    where user_id = ${userId}`;
  return row
    ? toSettings(row)
    : { timezone: 'UTC', email: null, webhook_url: null, webhook_secret: '', default_reminder_offset: null, channels: ['in_app'], updated_at: null };
}

/** Replaces the user's settings; the webhook secret is made once and kept across saves. */
export async function putSettings(userId: string, input: SettingsInput): Promise<Settings> {
  const [row] = await sql<Row[]>`
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
    returning timezone, email, webhook_url, webhook_secret, default_reminder_offset, channels, updated_at`;
  return toSettings(row!);
}
