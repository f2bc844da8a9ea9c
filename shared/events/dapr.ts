import type { Envelope, Transport } from './transport.ts';

interface Options {
  endpoint: string;
  pubsub: string;
  apiToken?: string | undefined;
  timeoutMs?: number;
}

// Dapr's Kafka component turns each metadata entry but the partition key into a record header. This marks the
// record as a structured-mode CloudEvent (as the kafka transport's records are), so that a Knative
// KafkaSource forwards it as is rather than wrapping it in an event of its own.
const recordHeaders = `&metadata.content-type=${encodeURIComponent('application/cloudevents+json')}`;

/**
 * Publishes through the Dapr sidecar's HTTP API, one event at a time to keep their order:
 * POST /v1.0/publish/{pubsub}/{topic}?metadata.partitionKey={user}&metadata.content-type=... with
 * our own CloudEvent as the body (Content-Type application/cloudevents+json, so Dapr sends it as is
 * instead of wrapping it). Dapr answers 204 when the broker has it. https://docs.dapr.io/reference/api/pubsub_api/
 */
export function createDaprTransport({ endpoint, pubsub, apiToken, timeoutMs = 5000 }: Options): Transport {
  const base = endpoint.replace(/\/$/, '');
  return {
    name: 'dapr',
    async publish(batch: Envelope[]) {
      for (const { topic, key, event } of batch) {
        const url = `${base}/v1.0/publish/${encodeURIComponent(pubsub)}/${encodeURIComponent(topic)}?metadata.partitionKey=${encodeURIComponent(key)}${recordHeaders}`;
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/cloudevents+json',
            ...(apiToken ? { 'dapr-api-token': apiToken } : {}),
          },
          body: JSON.stringify(event),
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (res.status !== 204 && res.status !== 200) {
          throw new Error(`dapr publish to ${topic} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
        }
        await res.body?.cancel();
      }
    },
    close: () => Promise.resolve(),
  };
}
