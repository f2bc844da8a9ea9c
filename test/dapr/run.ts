// npm run test:dapr: the function set under real daprd sidecars, with real Kafka and Redis. Fetches
// or builds what it needs once (daprd from the Go module proxy, Kafka from Maven Central, Redis from
// Debian; cached under .cache/), starts a throw-away embedded PostgreSQL, builds the bundles the
// image holds, and runs test/dapr/*.dapr.ts one file at a time: they share the Kafka and Redis
// ports the committed components name. `npm run test:dapr -- events` runs the files matching "events".
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildAll } from '../../scripts/build.ts';
import { prepareTestDatabase, runTestFiles } from '../test-run.ts';
import { daprdBinary } from './daprd.ts';
import { installRedis } from './redis.ts';
import { localAddresses, requireFree } from './stack.ts';

const here = import.meta.dirname;
const root = path.resolve(here, '../..');
const filters = process.argv.slice(2);
const step = (msg: string) => process.stdout.write(`[test:dapr] ${msg}\n`);

const files = (await readdir(here))
  .filter((f) => f.endsWith('.dapr.ts'))
  .map((f) => path.join('test/dapr', f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  process.stderr.write(`no test/dapr file matches ${filters.join(' ')}\n`);
  process.exit(1);
}

step('daprd, Kafka and Redis (built or fetched once, then cached in .cache/)');
step(`daprd: ${await daprdBinary()}`);
const kafka = spawnSync('bash', [path.join(root, 'scripts/kafka/install.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
if (kafka.status !== 0) throw new Error('scripts/kafka/install.sh failed');
installRedis();
const addresses = await localAddresses();
await requireFree(addresses.kafkaPort, 'Kafka');
if (addresses.redisPort) await requireFree(addresses.redisPort, 'Redis');

const db = await prepareTestDatabase({ logLevel: 'warn', step });
const tmp = await mkdtemp(path.join(tmpdir(), 'taskfn-test-dapr-'));

step('bundling the functions as the image holds them');
process.env.TASKFN_DIST = (await buildAll({ outdir: path.join(tmp, 'dist') })).outdir;

step(`running ${files.length} test files, one at a time`);
const code = await runTestFiles(files, { concurrency: 1, cwd: root });

await db.stop();
await rm(tmp, { recursive: true, force: true });
process.exit(code);
