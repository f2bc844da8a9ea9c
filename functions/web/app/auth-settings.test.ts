import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAuthSettings } from './auth-settings.ts';

describe("the page's sign-in settings", () => {
  const cases: [string, string | null, unknown][] = [
    ['dev mode', '{"mode":"dev"}', { mode: 'dev' }],
    ['an OpenID provider', '{"mode":"oidc","issuer":"https://id.example","clientId":"taskfn"}', { mode: 'oidc', issuer: 'https://id.example', clientId: 'taskfn' }],
    ['an OpenID provider without its client id, as unconfigured', '{"mode":"oidc","issuer":"https://id.example"}', { mode: 'unconfigured' }],
    ['a page without the tag, as unconfigured', null, { mode: 'unconfigured' }],
    ['content that is not JSON, as unconfigured', '{mode', { mode: 'unconfigured' }],
  ];
  for (const [what, content, expected] of cases) {
    it(`reads ${what}`, () => assert.deepEqual(parseAuthSettings(content), expected));
  }
});
