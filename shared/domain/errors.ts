// Errors carry the code clients see and the HTTP status it maps to, so handlers never translate.

export interface ErrorDetail {
  in?: 'body' | 'query' | 'path' | 'header';
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown[] = [],
  ) {
    super(message);
  }
}

export class ValidationError extends AppError {
  override name = 'ValidationError';
  constructor(details: ErrorDetail[], message = 'the request is invalid') {
    super(400, 'validation_failed', message, details);
  }
}

export class NotFoundError extends AppError {
  override name = 'NotFoundError';
  constructor(what: string) {
    super(404, 'not_found', `${what} not found`);
  }
}

/** The client's version is stale; details carry the current state so it can merge and retry. */
export class VersionConflictError extends AppError {
  override name = 'VersionConflictError';
  constructor(current: unknown) {
    super(409, 'version_conflict', 'the resource was changed by someone else; current state in details', [current]);
  }
}

export class ConflictError extends AppError {
  override name = 'ConflictError';
  constructor(code: string, message: string, details: unknown[] = []) {
    super(409, code, message, details);
  }
}

export class UnavailableError extends AppError {
  override name = 'UnavailableError';
  /** Sent as Retry-After when known: when the dependency said, or a guess that spreads retries. */
  constructor(code: string, message: string, readonly retryAfterSeconds?: number) {
    super(503, code, message);
  }
}

export class UnauthorizedError extends AppError {
  override name = 'UnauthorizedError';
  constructor(message: string) {
    super(401, 'unauthorized', message);
  }
}
