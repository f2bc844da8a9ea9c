import { HTTP } from 'cloudevents';
import * as z from 'zod';
import { getConfig } from '../config.ts';
import { AppError, UnavailableError } from '../domain/errors.ts';
import { type HttpHandler, httpFunction } from '../http/handler.ts';
import { route } from '../http/route.ts';
import { type Logger, log as rootLog } from '../observability/log.ts';
import { observeEvent } from '../observability/metrics.ts';
import { type Delivery, type Subscriber, oneByOne } from './batch.ts';
import { authenticateSender } from './sender-auth.ts';
import type { Topic } from './topics.ts';
import type { Outcome } from './transport.ts';

/** A programmatic subscription as Dapr reads it from GET /dapr/subscribe. */
export const DaprSubscription = z.object({
  pubsubname: z.string(),
  topic: z.string(),
  routes: z.object({ default: z.string() }),
  deadLetterTopic: z.string(),
});
export type DaprSubscription = z.infer<typeof DaprSubscription>;

/** A function's subscription; the pub/sub component's name comes from the configuration when Dapr asks. */
export type Subscription = Omit<DaprSubscription, 'pubsubname'>;

export const daprSubscription = (s: Subscription): DaprSubscription => ({ pubsubname: getConfig().DAPR_PUBSUB_NAME, ...s });

export type EventFunction = HttpHandler & { subscriber: Subscriber; subscription: Subscription };

// RETRY goes out as a 503 (see below), so a 200 only ever says SUCCESS or DROP.
const DaprReply = z.object({ status: z.enum(['SUCCESS', 'DROP']) });

/** How a function handles events: one at a time, or a whole batch at once (see BatchHandler). */
export type EventHandling =
  | { handle: (event: unknown, log: Logger) => Promise<Outcome>; handleBatch?: never }
  | { handleBatch: (deliveries: Delivery[], log: Logger) => Promise<Outcome[]>; handle?: never };

/**
 * An event function: `handle` gets each event of `topic` and answers SUCCESS, RETRY or DROP (after
 * recording a poison event in the dead-letter store); or `handleBatch` gets several in order and
 * answers for each, and a single delivery is a batch of one, so each rule has one copy. It is served
 * over HTTP the way Dapr and Knative Eventing deliver (structured or binary CloudEvents, at
 * /events/<name> or /), lists its subscription at GET /dapr/subscribe, and is handed to the local
 * transport and the Kafka consumer runner as a subscriber.
 *
 * Registered with functions.http, not functions.cloudEvent: a CloudEvent function never sees the
 * request headers, so it could not check the sender (shared/events/sender-auth.ts).
 */
export function eventFunction(name: string, { topic, ...handling }: { topic: Topic } & EventHandling): EventFunction {
  const path = `/events/${name}`;
  const subscription: Subscription = {
    topic: topic.name,
    routes: { default: path },
    deadLetterTopic: topic.deadLetter,
  };
  const timeOf = (event: unknown) => (event as { time?: unknown } | null)?.time;
  const handleBatch = async (deliveries: Delivery[], log: Logger = rootLog.child({ fn: name })): Promise<Outcome[]> => {
    const failed = (err: unknown, events: number) => {
      log.warn({ err, events }, 'event handler failed; asking for a retry');
      return 'RETRY' as const;
    };
    const outcomes = handling.handleBatch
      ? await handling.handleBatch(deliveries, log).catch((err: unknown) => deliveries.map((_, i) => (i === 0 ? failed(err, deliveries.length) : 'RETRY')))
      : await oneByOne((e) => handling.handle(e, log).catch((err: unknown) => failed(err, 1)))(deliveries);
    deliveries.forEach(({ event }, i) => observeEvent(name, topic.name, outcomes[i] ?? 'RETRY', timeOf(event)));
    return outcomes;
  };
  const handleEvent = async (event: unknown, log?: Logger): Promise<Outcome> => (await handleBatch([{ key: '', event }], log))[0] ?? 'RETRY';

  const deliver = route({
    method: 'POST',
    path,
    summary: `Deliver one ${topic.name} event (structured or binary CloudEvent); answers Dapr's {"status"}`,
    public: true,
    body: z.unknown(),
    response: DaprReply,
    handle: async ({ req, body, log }) => {
      // Before the event is even parsed: a forged one must never reach a handler.
      await authenticateSender(req);
      let event: unknown;
      try {
        event = HTTP.toEvent({ headers: req.headers, body });
      } catch (err) {
        throw new AppError(400, 'not_a_cloudevent', `the request is not a CloudEvent: ${(err as Error).message}`);
      }
      const status = await handleEvent(event, log);
      // Dapr reads RETRY from the body, Knative Eventing only from the status code; both redeliver
      // on a 503, so one answer serves both wirings.
      if (status === 'RETRY') throw new UnavailableError('retry', 'the event was not handled; deliver it again');
      return { status };
    },
  });
  const handler = httpFunction(name, [
    deliver,
    // Knative Eventing sources post to the root of the sink.
    { ...deliver, path: '/', summary: `${deliver.summary} (Knative Eventing sink)`, alone: true },
    route({
      method: 'GET',
      path: '/dapr/subscribe',
      summary: 'The subscriptions Dapr reads when the sidecar starts',
      public: true,
      alone: true,
      response: z.array(DaprSubscription),
      handle: () => Promise.resolve([daprSubscription(subscription)]),
    }),
  ]);
  const subscriber: Subscriber = { name, topic: topic.name, handleEvent: (e) => handleEvent(e), handleBatch: (d) => handleBatch(d) };
  return Object.assign(handler, { subscription, subscriber });
}
