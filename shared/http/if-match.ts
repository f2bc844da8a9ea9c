import type { IncomingMessage } from 'node:http';
import { Reply } from './route.ts';
import { ValidationError } from '../domain/errors.ts';

/**
 * The version a client last saw, from the body or an If-Match header (`"3"`, `W/"3"` or `3`, the
 * ETag we send). Both present and different is a client bug worth a 400 rather than a guess.
 */
export function expectedVersion(req: IncomingMessage, bodyVersion?: number): number | undefined {
  const header = req.headers['if-match'];
  if (header === undefined || header === '*') return bodyVersion;
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!m) throw new ValidationError([{ in: 'header', path: 'If-Match', message: 'must be a task version, like "3"' }]);
  const version = Number(m[1]);
  if (version < 1) throw new ValidationError([{ in: 'header', path: 'If-Match', message: 'must be a task version, like "3"' }]);
  if (bodyVersion !== undefined && bodyVersion !== version) {
    throw new ValidationError([{ in: 'body', path: 'version', message: 'differs from the If-Match header' }]);
  }
  return version;
}

const etag = (version: number): string => `"${version}"`;

/** A versioned resource as the answer, with its version as the ETag for the next If-Match. */
export const versioned = (body: { version: number }, status = 200, headers: Record<string, string> = {}): Reply =>
  new Reply(body, status, { etag: etag(body.version), ...headers });
