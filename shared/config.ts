import * as z from 'zod';
import { runtime } from './runtime/current.ts';

// Every setting taskfn reads from the environment, validated once at start-up.
// Nothing else in the code base reads process.env.

const port = z.coerce.number().int().min(1).max(65535);
const optionalUrl = z.url().optional();

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: port.default(8080),
    /** The address `npm start` listens on: loopback, as its dev token endpoint gives anyone a token; 0.0.0.0 or :: opens it to the network. */
    HOST: z.string().min(1).max(255).default('127.0.0.1'),
    /** A request's headers and body must arrive within this (a slow client is cut off with 408). */
    HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
    /** A request's headers must arrive within this. */
    HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    /** Open connections one server holds at most; more are refused (closed at once). */
    HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100_000).default(1000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    // Unset: the local host starts an embedded PostgreSQL under DATA_DIR.
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    /** A new connection to PostgreSQL fails after this long (the request answers 503). */
    DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
    /** PostgreSQL cancels a statement that runs longer (statement_timeout); migrations are exempt. */
    DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    /** PostgreSQL ends a session left idle inside a transaction this long (idle_in_transaction_session_timeout). */
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
    /** An API request still unanswered after this long answers 503 (a stalled database or dependency); chat turns have their own bound. */
    REQUEST_DEADLINE_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    DATA_DIR: z.string().min(1).default('.data'),
    EMBEDDED_PG_PORT: port.default(54329),

    AUTH_MODE: z.enum(['jwt', 'dev']).default('jwt'),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    JWKS_URL: optionalUrl,
    JWT_ISSUER: z.string().min(1).optional(),
    JWT_AUDIENCE: z.string().min(1).optional(),
    /** The web app's OpenID Connect client id at JWT_ISSUER (a public client: Authorization Code with PKCE, no secret). */
    WEB_OIDC_CLIENT_ID: z.string().min(1).optional(),
    /** Longest a bearer token may be valid: exp − iat (exp − now without iat or with a future iat); the dev token lasts this long. */
    JWT_MAX_LIFETIME_SECONDS: z.coerce.number().int().min(60).max(30 * 86_400).default(86_400),

    // Events: where the outbox relay publishes, and which event types it publishes at all.
    EVENT_TRANSPORT: z.enum(['local', 'dapr', 'kafka']).default('local'),
    EVENTS_OFF: z
      .string()
      .default('')
      .transform((s) => s.split(',').map((t) => t.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^com\.taskfn\.[a-z]+\.[a-z]+$/, 'must list event types like com.taskfn.task.updated'))),
    RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(1000),
    /** Longest wait between publish attempts while the broker or sidecar is down. */
    RELAY_MAX_BACKOFF_MS: z.coerce.number().int().min(1).max(600_000).default(30_000),
    /** Local transport: deliveries of one event before it goes to the dead-letter store. */
    EVENT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
    KAFKA_BROKERS: z.string().default('127.0.0.1:9092').transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean)),
    KAFKA_CLIENT_ID: z.string().min(1).default('taskfn'),
    KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(5).default(1),
    /** Managed Kafka: TLS to the brokers, and SASL (Redpanda Cloud: scram-sha-256; Event Hubs: plain). */
    KAFKA_TLS: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
    KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
    KAFKA_SASL_USERNAME: z.string().min(1).optional(),
    KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
    DAPR_HTTP_ENDPOINT: z.url().default('http://127.0.0.1:3500'),
    DAPR_PUBSUB_NAME: z.string().min(1).default('pubsub'),
    /** /healthz also waits for the sidecar's components (the chart sets it where a function has one). */
    DAPR_HEALTH_CHECK: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
    /** Sent to the sidecar with each call (the sidecar's DAPR_API_TOKEN). */
    DAPR_API_TOKEN: z.string().min(1).optional(),
    /** Required of the sidecar on event and cron endpoints (the sidecar's APP_API_TOKEN). */
    APP_API_TOKEN: z.string().min(1).optional(),
    /** Knative Eventing sender identity (eventWiring knative): issuer of the sources' OIDC tokens; unset: none accepted. */
    EVENT_OIDC_ISSUER: z.string().min(1).max(500).optional(),
    /** The issuer's signing keys (the API server's /openid/v1/jwks); required with EVENT_OIDC_ISSUER. */
    EVENT_OIDC_JWKS_URL: optionalUrl,
    /** The audience this function's sources ask tokens for (their sink.audience); required with EVENT_OIDC_ISSUER. */
    EVENT_OIDC_AUDIENCE: z.string().min(1).max(253).optional(),
    /** Only service accounts of this namespace may send (Knative makes each source's account beside it); required with EVENT_OIDC_ISSUER. */
    EVENT_OIDC_NAMESPACE: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a Kubernetes namespace name').optional(),
    /** A bearer token file sent when fetching the keys (the API server wants one); unset: fetched without. */
    EVENT_OIDC_JWKS_TOKEN_FILE: z.string().min(1).max(4096).optional(),

    // Chat: the model behind chat-turn and where conversations live.
    /** Unset: gemini when GEMINI_API_KEY is set, else the local parser. */
    CHAT_MODEL: z.enum(['local', 'gemini']).optional(),
    GEMINI_API_KEY: z.string().min(1).optional(),
    GEMINI_MODEL: z.string().min(1).default('gemini-2.5-flash'),
    /** Another endpoint speaking the Gemini REST API (a proxy, or a test server). */
    GEMINI_BASE_URL: optionalUrl,
    GEMINI_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(20_000),
    /** Tool calls one chat turn may make at most. */
    CHAT_MAX_TOOL_CALLS: z.coerce.number().int().min(1).max(50).default(8),
    /** Messages a conversation keeps; older ones are dropped, so a turn never loads an unbounded history. */
    CHAT_HISTORY_MAX_MESSAGES: z.coerce.number().int().min(2).max(2000).default(200),
    /** A conversation is forgotten this long after its last turn. */
    CHAT_TTL_SECONDS: z.coerce.number().int().min(60).max(30 * 86_400).default(3600),
    CHAT_STATE: z.enum(['postgres', 'dapr', 'upstash']).default('postgres'),
    DAPR_STATE_STORE: z.string().min(1).default('statestore'),
    UPSTASH_REDIS_REST_URL: optionalUrl,
    UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
    /** One call to the dapr or upstash conversation store takes at most this long. */
    CHAT_STATE_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2000),

    // Time: the cron tick, reminders and notifications.
    /** Overrides the schedule of dapr/components/cron-tick.yaml in the local host ("@every 2s" or a cron expression). */
    CRON_TICK_SCHEDULE: z.string().min(1).optional(),
    /** Reminders one tick claims at most; the rest wait for the next tick. */
    REMINDER_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1000),
    /** Catch-up policy `all`: occurrences generated per template and tick at most, the newest kept. */
    CATCH_UP_MAX: z.coerce.number().int().min(1).max(10_000).default(100),
    /** Due schedule templates one tick handles at most; the rest stay due for the next tick (logged). */
    TICK_MAX_TEMPLATES: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
    /** Published outbox rows and processed-event records older than this are deleted by the tick. */
    RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
    NOTIFY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
    /** Notification retries one tick makes at most, side by side; the rest wait for the next tick. */
    NOTIFY_RETRY_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
    /** `log` writes email to the log; `dapr` sends it through the Dapr output binding DAPR_EMAIL_BINDING. */
    EMAIL_TRANSPORT: z.enum(['log', 'dapr']).default('log'),
    DAPR_EMAIL_BINDING: z.string().min(1).default('email'),
    /** Webhooks to loopback and private addresses; refused by default in production (SSRF). */
    WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false']).optional(),

    // Live sync (GET /api/sync).
    /** The change log keeps this many days; a client whose cursor is older starts over (410 cursor_expired). */
    SYNC_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    /** A held poll re-reads at least this often, catching a lost wake-up or a dropped LISTEN connection. */
    SYNC_RECHECK_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
  })
  .refine((env) => !(env.NODE_ENV === 'production' && env.AUTH_MODE === 'dev'), {
    path: ['AUTH_MODE'],
    message: 'dev is refused when NODE_ENV=production',
  })
  // Event, cron and relay endpoints take only authenticated callers in production.
  .refine((env) => env.NODE_ENV !== 'production' || env.APP_API_TOKEN, {
    path: ['APP_API_TOKEN'],
    message: 'is required when NODE_ENV=production (event, cron and relay callers must send it as dapr-api-token)',
  })
  .refine((env) => !env.EVENT_OIDC_ISSUER || (env.EVENT_OIDC_JWKS_URL && env.EVENT_OIDC_AUDIENCE && env.EVENT_OIDC_NAMESPACE), {
    path: ['EVENT_OIDC_ISSUER'],
    message: 'needs EVENT_OIDC_JWKS_URL, EVENT_OIDC_AUDIENCE and EVENT_OIDC_NAMESPACE as well',
  })
  .refine((env) => !env.KAFKA_SASL_MECHANISM || (env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD), {
    path: ['KAFKA_SASL_USERNAME'],
    message: 'and KAFKA_SASL_PASSWORD are required with KAFKA_SASL_MECHANISM',
  })
  .refine((env) => env.CHAT_MODEL !== 'gemini' || env.GEMINI_API_KEY, {
    path: ['GEMINI_API_KEY'],
    message: 'is required when CHAT_MODEL=gemini',
  })
  .refine((env) => env.CHAT_STATE !== 'upstash' || (env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN), {
    path: ['UPSTASH_REDIS_REST_URL'],
    message: 'and UPSTASH_REDIS_REST_TOKEN are required when CHAT_STATE=upstash',
  })
  .transform((env) => ({ ...env, CHAT_MODEL: env.CHAT_MODEL ?? (env.GEMINI_API_KEY ? 'gemini' : 'local') }));

export type Config = z.infer<typeof schema>;

/** Every variable the configuration reads. */
export const settingNames: readonly string[] = Object.keys(schema.in.shape);

// Values never echoed back in an error line: they may hold credentials.
const secret = new Set(['DATABASE_URL', 'JWT_SECRET', 'DAPR_API_TOKEN', 'APP_API_TOKEN', 'KAFKA_SASL_PASSWORD', 'GEMINI_API_KEY', 'UPSTASH_REDIS_REST_TOKEN']);

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "not set", as it does for most twelve-factor tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = issue.path.join('.');
  const value = env[name];
  const got = typeof value === 'string' && !secret.has(name) ? ` (got ${JSON.stringify(value)})` : '';
  throw new ConfigError(`${name}: ${issue.message}${got}`);
}

/** loadConfig over process.env; a bad value ends the process with one line naming the variable. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`taskfn: invalid configuration: ${err.message}\n`);
    process.exit(1);
  }
}

/**
 * The current runtime's configuration (shared/runtime/): an entry point loads it once, with
 * loadConfigOrExit, and builds the runtime from it; code reads it when it runs, never on import.
 */
export const getConfig = (): Config => runtime().config;
