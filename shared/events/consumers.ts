import type { Config } from '../config.ts';
import { log } from '../observability/log.ts';
import type { EventFunction } from './function.ts';
import { type ConsumerRunner, runKafkaConsumer } from './kafka-consumer.ts';
import { allTopics } from './topics.ts';

/** Keeps a consumer starting until it runs: Kafka being away at start-up must not stop the host. */
function supervised(name: string, start: () => Promise<ConsumerRunner>): ConsumerRunner {
  let current: ConsumerRunner | undefined;
  let stopped = false;
  let delay = 500;
  const attempt = () => {
    if (stopped) return;
    start().then(
      (runner) => {
        if (stopped) void runner.stop();
        else current = runner;
      },
      (err: unknown) => {
        log.warn({ err, consumer: name, retryInMs: delay }, 'kafka consumer could not start; retrying');
        setTimeout(attempt, delay).unref();
        delay = Math.min(delay * 2, 30_000);
      },
    );
  };
  attempt();
  return {
    async stop() {
      stopped = true;
      await current?.stop();
    },
  };
}

/**
 * With EVENT_TRANSPORT=kafka and no sidecar, someone has to read the topics: one consumer group per
 * event function, named after it (as Dapr names groups after app ids). With `local` the relay hands
 * events over itself, and with `dapr` the sidecar pushes them.
 */
export function startKafkaConsumers(config: Config, functions: EventFunction[]): ConsumerRunner[] {
  if (config.EVENT_TRANSPORT !== 'kafka') return [];
  return functions.map((fn) =>
    supervised(fn.subscriber.name, () =>
      runKafkaConsumer({
        brokers: config.KAFKA_BROKERS,
        clientId: `${config.KAFKA_CLIENT_ID}-${fn.subscriber.name}`,
        groupId: fn.subscriber.name,
        topic: allTopics.find((t) => t.name === fn.subscription.topic)!,
        subscriber: fn.subscriber,
      }),
    ),
  );
}
