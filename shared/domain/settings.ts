import { z } from 'zod';
import { TimeZone } from './activity.ts';
import { IsoDuration } from './duration.ts';

export const Channel = z.enum(['in_app', 'webhook', 'email']);
export type Channel = z.infer<typeof Channel>;

const WebhookUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
  .max(2000, 'must be at most 2000 characters');

/** PUT /api/me/settings: the whole document; what is left out takes its default. */
export const SettingsInput = z
  .strictObject({
    timezone: TimeZone.default('UTC'),
    // A plain pattern rather than a format: what the OpenAPI document states is exactly what is checked.
    email: z
      .string()
      .max(320, 'must be at most 320 characters')
      .regex(/^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/, 'must be an email address')
      .nullable()
      .default(null),
    webhook_url: WebhookUrl.nullable().default(null),
    default_reminder_offset: IsoDuration.nullable().default(null),
    channels: z
      .array(Channel)
      .max(3)
      .refine((c) => new Set(c).size === c.length, 'must not repeat a channel')
      .default(['in_app']),
  })
  .refine((s) => !s.channels.includes('webhook') || s.webhook_url !== null, { path: ['channels'], message: 'webhook needs webhook_url' })
  .refine((s) => !s.channels.includes('email') || s.email !== null, { path: ['channels'], message: 'email needs an email address' });
export type SettingsInput = z.infer<typeof SettingsInput>;

export const Settings = z.object({
  timezone: z.string(),
  email: z.string().nullable(),
  webhook_url: z.string().nullable(),
  /** Verifies the x-taskfn-signature header of webhook deliveries; shown to its owner only. */
  webhook_secret: z.string(),
  default_reminder_offset: z.string().nullable(),
  channels: z.array(Channel),
  updated_at: z.iso.datetime().nullable(),
});
export type Settings = z.infer<typeof Settings>;
