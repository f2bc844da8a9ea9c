import * as functions from '@google-cloud/functions-framework';
import { getSettings, patchSettings, putSettings } from '../../shared/db/settings.ts';
import { Settings, SettingsInput, SettingsPatch } from '../../shared/domain/settings.ts';
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
    summary: "Replace the caller's settings as a whole: a field left out goes back to its default (PATCH changes some)",
    body: SettingsInput,
    response: Settings,
    handle: ({ userId, body }) => putSettings(userId, body),
  }),
  route({
    method: 'PATCH',
    path: '/api/me/settings',
    summary: "Change some of the caller's settings: the fields given, null clearing a nullable one; the rest is kept",
    body: SettingsPatch,
    response: Settings,
    handle: ({ userId, body }) => patchSettings(userId, body),
  }),
]);

functions.http('settings', settings);
