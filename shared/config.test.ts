import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('fills in defaults from an empty environment', () => {
    const c = loadConfig({});
    assert.equal(c.PORT, 8080);
    assert.equal(c.AUTH_MODE, 'jwt');
    assert.equal(c.DATABASE_URL, undefined);
    assert.equal(c.LOG_LEVEL, 'info');
  });

  it('treats an empty variable as unset', () => {
    assert.equal(loadConfig({ PORT: '' }).PORT, 8080);
  });

  const bad: [Record<string, string>, RegExp][] = [
    [{ PORT: 'abc' }, /^PORT: .*\(got "abc"\)$/],
    [{ PORT: '70000' }, /^PORT: /],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: /],
    [{ AUTH_MODE: 'none' }, /^AUTH_MODE: /],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL: must start with postgres/],
    [{ JWT_SECRET: 'short' }, /^JWT_SECRET: must be at least 32 characters$/],
    [{ JWKS_URL: 'not a url' }, /^JWKS_URL: /],
    [{ NODE_ENV: 'production', AUTH_MODE: 'dev' }, /^AUTH_MODE: dev is refused when NODE_ENV=production/],
    [{ CHAT_MODEL: 'gemini' }, /^GEMINI_API_KEY: is required when CHAT_MODEL=gemini$/],
    [{ CHAT_STATE: 'upstash', UPSTASH_REDIS_REST_URL: 'https://r.example' }, /^UPSTASH_REDIS_REST_URL: and UPSTASH_REDIS_REST_TOKEN are required when CHAT_STATE=upstash/],
    [{ CHAT_STATE: 'memcached' }, /^CHAT_STATE: /],
    [{ CHAT_MAX_TOOL_CALLS: '0' }, /^CHAT_MAX_TOOL_CALLS: /],
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'taskfn' }, /^KAFKA_SASL_USERNAME: and KAFKA_SASL_PASSWORD are required/],
    [{ KAFKA_SASL_MECHANISM: 'gssapi' }, /^KAFKA_SASL_MECHANISM: /],
  ];
  for (const [env, message] of bad) {
    it(`refuses ${JSON.stringify(env)} with one line naming the variable`, () => {
      assert.throws(() => loadConfig(env), (err: unknown) => err instanceof ConfigError && message.test(err.message));
    });
  }

  it('picks the chat model: gemini when a key is given, else the local parser, unless CHAT_MODEL says', () => {
    assert.equal(loadConfig({}).CHAT_MODEL, 'local');
    assert.equal(loadConfig({ GEMINI_API_KEY: 'k' }).CHAT_MODEL, 'gemini');
    assert.equal(loadConfig({ GEMINI_API_KEY: 'k', CHAT_MODEL: 'local' }).CHAT_MODEL, 'local');
    assert.equal(loadConfig({}).CHAT_STATE, 'postgres');
  });

  it('never echoes a secret value back', () => {
    assert.throws(() => loadConfig({ JWT_SECRET: 'hunter2' }), (err: Error) => !err.message.includes('hunter2'));
    assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://u:pw@h/db' }), (err: Error) => !err.message.includes('pw@'));
  });

  it('stops a starting function with exit code 1 and a single line on stderr', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', "import('./functions/index.ts')"], {
      env: { ...process.env, DATABASE_POOL_MAX: 'lots' },
      encoding: 'utf8',
    });
    assert.equal(run.status, 1);
    assert.equal(run.stderr, 'taskfn: invalid configuration: DATABASE_POOL_MAX: Invalid input: expected number, received NaN (got "lots")\n');
  });
});
