// Every topic taskfn uses, with its partition count and dead-letter topic. The provisioning script,
// the Dapr subscriptions and the tests all read this list.

export interface Topic {
  name: string;
  partitions: number;
  deadLetter: string;
}

const topic = (name: string, partitions: number): Topic => ({ name, partitions, deadLetter: `${name}-dlq` });

export const topics = {
  taskEvents: topic('task-events', 3),
  reminderEvents: topic('reminder-events', 3),
  notificationEvents: topic('notification-events', 3),
} as const;

export const allTopics: Topic[] = Object.values(topics);
