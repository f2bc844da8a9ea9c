import { Kafka, type Producer, type SASLOptions, logLevel } from 'kafkajs';
import { type Config, getConfig } from '../config.ts';
import { saramaPartition } from './partition.ts';
import type { Envelope, Transport } from './transport.ts';

interface Options {
  brokers: string[];
  clientId: string;
}

/** TLS and SASL for a managed cluster, from the configuration (the chart sets them from Secrets). */
function security({ KAFKA_TLS, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD }: Config): { ssl: boolean; sasl?: SASLOptions } {
  if (!KAFKA_SASL_MECHANISM) return { ssl: KAFKA_TLS };
  return { ssl: KAFKA_TLS, sasl: { mechanism: KAFKA_SASL_MECHANISM, username: KAFKA_SASL_USERNAME!, password: KAFKA_SASL_PASSWORD! } };
}

export const kafkaClient = ({ brokers, clientId }: Options, config: Config = getConfig()): Kafka =>
  new Kafka({
    brokers,
    clientId,
    ...security(config),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    // Few retries: the outbox relay owns retrying (with backoff) and a down broker should fail fast.
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
  });

/** kafkajs partitioner choosing partitions exactly as Dapr's Kafka component does. */
export const daprCompatiblePartitioner = () => ({ partitionMetadata, message }: { partitionMetadata: unknown[]; message: { key?: Buffer | string | null } }) =>
  saramaPartition(message.key ?? '', partitionMetadata.length);

/**
 * Publishes to Kafka directly (for runs without a sidecar): an idempotent producer, one in-flight
 * request so order holds per partition, key = user id, value = the CloudEvent in structured mode.
 */
export function createKafkaTransport(options: Options): Transport {
  const kafka = kafkaClient(options);
  let producer: Producer | undefined;

  async function connected(): Promise<Producer> {
    if (producer) return producer;
    const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: daprCompatiblePartitioner });
    await p.connect();
    producer = p;
    return p;
  }

  return {
    name: 'kafka',
    async publish(batch: Envelope[]) {
      const byTopic = new Map<string, Envelope[]>();
      for (const e of batch) {
        const list = byTopic.get(e.topic);
        if (list) list.push(e);
        else byTopic.set(e.topic, [e]);
      }
      try {
        const p = await connected();
        await p.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, envelopes]) => ({
            topic,
            messages: envelopes.map(({ key, event }) => ({
              key,
              value: JSON.stringify(event),
              headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
            })),
          })),
        });
      } catch (err) {
        // Start afresh next time: after a broker outage a new producer reconnects cleanly.
        const stale = producer;
        producer = undefined;
        await stale?.disconnect().catch(() => {});
        throw err;
      }
    },
    async close() {
      await producer?.disconnect();
      producer = undefined;
    },
  };
}
