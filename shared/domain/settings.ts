import * as z from 'zod';
import { TimeZone } from './activity.ts';
import { IsoDuration } from './duration.ts';
import { type ErrorDetail, ValidationError } from './errors.ts';

export const Channel = z.enum(['in_app', 'webhook', 'email']);
export type Channel = z.infer<typeof Channel>;

const WebhookUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
  .max(2000, 'must be at most 2000 characters');

// Each field's rule, once; PUT gives them defaults, PATCH makes them optional.
const fields = {
  timezone: TimeZone,
  // A plain pattern rather than a format: what the OpenAPI document states is exactly what is checked.
  email: z
    .string()
    .max(320, 'must be at most 320 characters')
    .regex(/^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/, 'must be an email address')
    .nullable(),
  webhook_url: WebhookUrl.nullable(),
  default_reminder_offset: IsoDuration.nullable(),
  channels: z
    .array(Channel)
    .max(3)
    .refine((c) => new Set(c).size === c.length, 'must not repeat a channel'),
};

export interface SettingsValues {
  timezone: string;
  email: string | null;
  webhook_url: string | null;
  default_reminder_offset: string | null;
  channels: Channel[];
}

export const defaultSettings: SettingsValues = { timezone: 'UTC', email: null, webhook_url: null, default_reminder_offset: null, channels: ['in_app'] };

// A channel is only as good as the address it sends to.
const needs = [
  { channel: 'webhook', field: 'webhook_url', message: 'webhook needs webhook_url' },
  { channel: 'email', field: 'email', message: 'email needs an email address' },
] as const;

/**
 * The rules between fields, checked on what would be stored. A broken rule names `channels` when
 * the request set them, else the address field the request cleared.
 */
export function crossFieldIssues(s: SettingsValues, sent: ReadonlySet<string>): ErrorDetail[] {
  return needs
    .filter((n) => s.channels.includes(n.channel) && s[n.field] === null)
    .map((n) => ({ in: 'body' as const, path: sent.has('channels') ? 'channels' : n.field, message: n.message }));
}

/** PUT /api/me/settings: the whole document; what is left out takes its default. */
export const SettingsInput = z
  .strictObject({
    timezone: fields.timezone.default(defaultSettings.timezone),
    email: fields.email.default(null),
    webhook_url: fields.webhook_url.default(null),
    default_reminder_offset: fields.default_reminder_offset.default(null),
    channels: fields.channels.default(['in_app']),
  })
  .superRefine((s, ctx) => {
    for (const issue of crossFieldIssues(s, new Set(['channels']))) ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
  });
export type SettingsInput = z.infer<typeof SettingsInput>;

/** PATCH /api/me/settings: only the fields to change; null clears a nullable one. */
export const SettingsPatch = z.strictObject({
  timezone: fields.timezone.optional(),
  email: fields.email.optional(),
  webhook_url: fields.webhook_url.optional(),
  default_reminder_offset: fields.default_reminder_offset.optional(),
  channels: fields.channels.optional(),
});
export type SettingsPatch = z.infer<typeof SettingsPatch>;

/** The patch over the current settings, or a ValidationError when the result breaks a rule. */
export function mergeSettings(current: SettingsValues, patch: SettingsPatch): SettingsValues {
  const sent = Object.entries(patch).filter(([, v]) => v !== undefined);
  const merged: SettingsValues = { ...current, ...Object.fromEntries(sent) };
  const issues = crossFieldIssues(merged, new Set(sent.map(([k]) => k)));
  if (issues.length > 0) throw new ValidationError(issues, `body ${issues[0]!.path}: ${issues[0]!.message}`);
  return merged;
}

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
