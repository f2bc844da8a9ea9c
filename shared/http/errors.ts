import type { z } from 'zod';
import { AppError, type ErrorDetail, UnavailableError, ValidationError } from '../domain/errors.ts';
import { isRace } from '../db/retry.ts';
import type { Logger } from '../observability/log.ts';

export type Location = 'body' | 'query' | 'path';

/** Zod issues as `{in, path, message}` details, one per bad field (unknown fields listed by name). */
export function validationError(error: z.ZodError, where: Location): ValidationError {
  const details: ErrorDetail[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) details.push({ in: where, path: base ? `${base}.${key}` : key, message: 'is not a known field' });
    } else {
      const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
      details.push({ in: where, path: base || '(root)', message: missing ? 'is required' : issue.message });
    }
  }
  const first = details[0];
  return new ValidationError(details, first ? `${where} ${first.path}: ${first.message}` : 'the request is invalid');
}

// postgres.js error codes for "the database is not there", and SQLSTATEs that mean the server could
// not take the query now: a 503, so clients retry and the rest keeps answering. Class 08 is the
// connection's, 57P01-57P03 a server shutting down or starting up, 53300 too many connections.
const unreachable = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ETIMEDOUT', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED']);
const serverUnavailable = new Set(['57P01', '57P02', '57P03', '53300']);

/** Any thrown value as an AppError; unexpected ones are logged and become a 500 without internals. */
export function toAppError(err: unknown, log: Logger): AppError {
  if (err instanceof AppError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (unreachable.has(code) || code.startsWith('08') || serverUnavailable.has(code)) {
      log.warn({ err }, 'database unavailable');
      return new UnavailableError('database_unavailable', 'the database is unavailable; try again shortly', 1);
    }
    // 57014: our statement_timeout cancelled it. Not the client's fault, and worth a retry.
    if (code === '57014') {
      log.warn({ err }, 'statement timed out');
      return new UnavailableError('database_timeout', 'the database took too long to answer; try again shortly', 1);
    }
    // A race retryRaces gave up on: another request kept changing the same rows.
    if (isRace(err)) {
      log.warn({ err }, 'concurrent change, retries exhausted');
      return new AppError(409, 'concurrent_change', 'a concurrent change to the same data conflicted with this request; try again');
    }
    // Class 22 (data exception): a value PostgreSQL rejects that validation let through.
    if (code.startsWith('22')) {
      log.warn({ err }, 'value rejected by the database');
      return new AppError(400, 'invalid_value', 'a value is out of the range the database accepts');
    }
  }
  log.error({ err }, 'unhandled error');
  return new AppError(500, 'internal', 'something went wrong on our side; the request id identifies it in our logs');
}
