// npm run provision-topics: create taskfn's Kafka topics on KAFKA_BROKERS (idempotent).
import { loadConfigOrExit } from '../shared/config.ts';
import { kafkaClient } from '../shared/events/kafka.ts';
import { provisionTopics } from '../shared/events/provision.ts';

const config = loadConfigOrExit();
const admin = kafkaClient({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-provision` }, config).admin();
await admin.connect();
try {
  const changes = await provisionTopics(admin, { replicationFactor: config.KAFKA_REPLICATION_FACTOR });
  process.stdout.write(changes.length === 0 ? 'topics up to date\n' : changes.map((c) => `${c.topic}: ${c.change} (${c.partitions})`).join('\n') + '\n');
} finally {
  await admin.disconnect();
}
