import type { Config } from '../config.ts';
import type { Subscriber } from './batch.ts';
import { createLocalTransport } from './local.ts';
import type { Transport } from './transport.ts';

/** The transport EVENT_TRANSPORT names; adapters load only when chosen (kafkajs is not small). */
export async function transportFromConfig(config: Config, subscribers: Subscriber[] = []): Promise<Transport> {
  switch (config.EVENT_TRANSPORT) {
    case 'local':
      return createLocalTransport({ subscribers, maxAttempts: config.EVENT_MAX_ATTEMPTS });
    case 'dapr':
      return (await import('./dapr.ts')).createDaprTransport({
        endpoint: config.DAPR_HTTP_ENDPOINT,
        pubsub: config.DAPR_PUBSUB_NAME,
        apiToken: config.DAPR_API_TOKEN,
      });
    case 'kafka':
      return (await import('./kafka.ts')).createKafkaTransport({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID });
  }
}
