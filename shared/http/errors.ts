import type { z } from 'zod';
import { AppError, type ErrorDetail, UnavailableError, ValidationError } from '../domain/errors.ts';
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

// postgres.js error codes for "the database is not there", and SQLSTATE classes that mean the
// server could not take the connection: a 503, so clients retry and the rest keeps answering.
const unreachable = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED']);

/** Any thrown value as an AppError; unexpected ones are logged and become a 500 without internals. */
export function toAppError(err: unknown, log: Logger): AppError {
  if (err instanceof AppError) return err;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (unreachable.has(code) || code.startsWith('08') || code === '57P01' || code === '53300') {
      log.warn({ err }, 'database unavailable');
      return new UnavailableError('database_unavailable', 'the database is unavailable; try again shortly');
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
