import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { log } from '../observability/log.ts';
import { toAppError } from './errors.ts';

// What the API answers for each way the database can fail: a server shutting down, starting up or
// full is a 503 a client retries, never a 500.
const cases: [code: string, status: number, answer: string][] = [
  ['57P01', 503, 'database_unavailable'], // admin_shutdown: a fast shutdown ended the session
  ['57P02', 503, 'database_unavailable'], // crash_shutdown
  ['57P03', 503, 'database_unavailable'], // cannot_connect_now: the server is starting up
  ['53300', 503, 'database_unavailable'], // too_many_connections
  ['08006', 503, 'database_unavailable'], // connection_failure
  ['ECONNREFUSED', 503, 'database_unavailable'],
  ['CONNECTION_CLOSED', 503, 'database_unavailable'],
  ['CONNECT_TIMEOUT', 503, 'database_unavailable'],
  ['57014', 503, 'database_timeout'], // query_canceled by statement_timeout
  ['40P01', 409, 'concurrent_change'], // deadlock_detected, once the retries ran out
  ['40001', 409, 'concurrent_change'],
  ['23505', 409, 'concurrent_change'],
  ['22003', 400, 'invalid_value'],
  ['42P01', 500, 'internal'], // undefined_table: our bug, not the client's
];

describe('toAppError', () => {
  for (const [code, status, answer] of cases) {
    it(`answers ${status} ${answer} for ${code}`, () => {
      const err = toAppError(Object.assign(new Error(code), { code }), log.child({ test: true }));
      assert.deepEqual([err.status, err.code], [status, answer]);
    });
  }

  it('sends Retry-After with a database outage', () => {
    const err = toAppError(Object.assign(new Error('down'), { code: '57P03' }), log);
    assert.equal((err as { retryAfterSeconds?: number }).retryAfterSeconds, 1);
  });
});
