import * as functions from '@google-cloud/functions-framework';
import { getSettings, putSettings } from '../../shared/db/settings.ts';
import { Settings, SettingsInput } from '../../shared/domain/settings.ts';
import { httpFunction, route } from '../../shared/http/index.ts';

export const settings = httpFunction('settings', [
  route({
    method: 'GET',
    path: '/api/me/settings',
    summary: "The caller's settings (defaults until first saved)",
    response: Settings,
    handle: ({ userId }) => getSettings(userId),
  }),
  route({
    method: 'PUT',
    path: '/api/me/settings',
    summary: "Replace the caller's settings: time zone, notification channels, default reminder offset",
    body: SettingsInput,
    response: Settings,
    handle: ({ userId, body }) => putSettings(userId, body),
  }),
]);

functions.http('settings', settings);
