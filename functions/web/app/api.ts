import { AppError } from '../../../shared/domain/errors.ts';

// Calls to the API, same origin, with the session's bearer token. Every answer that is not 2xx
// becomes an ApiError: the server's own AppError (status, code, message, details naming the
// field), rebuilt from the answer's JSON.
export { AppError as ApiError };

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    // A proxy's or framework's HTML error page: the status still says what happened.
    return undefined;
  }
}

export interface ApiOptions {
  token: () => string | undefined;
  /** Told when the API refuses the token (expired, or signed out elsewhere). */
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
  base?: string;
}

export interface ApiAnswer<T> {
  body: T;
  headers: Headers;
}

export function createApi({ token, onUnauthorized, fetch: fetchFn = (...args) => fetch(...args), base = '' }: ApiOptions) {
  async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer<T>> {
    const bearer = token();
    let res: Response;
    try {
      res = await fetchFn(base + path, {
        method,
        headers: {
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new AppError(0, 'offline', 'the server cannot be reached');
    }
    const text = await res.text();
    const parsed = parseJson(text);
    if (!res.ok) {
      const error = (parsed as { error?: { code?: string; message?: string; details?: unknown[] } } | undefined)?.error;
      if (res.status === 401) onUnauthorized?.();
      throw new AppError(res.status, error?.code ?? 'http_error', error?.message ?? `the server answered ${res.status}`, error?.details ?? []);
    }
    return { body: parsed as T, headers: res.headers };
  }
  return {
    call,
    get: <T>(path: string, headers?: Record<string, string>) => call<T>('GET', path, undefined, headers),
    post: <T>(path: string, body?: unknown, headers?: Record<string, string>) => call<T>('POST', path, body, headers),
    patch: <T>(path: string, body?: unknown, headers?: Record<string, string>) => call<T>('PATCH', path, body, headers),
    delete: <T>(path: string, headers?: Record<string, string>) => call<T>('DELETE', path, undefined, headers),
  };
}

export type Api = ReturnType<typeof createApi>;
