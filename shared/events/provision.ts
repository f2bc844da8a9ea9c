import type { Admin } from 'kafkajs';
import { allTopics } from './topics.ts';

export interface TopicChange {
  topic: string;
  change: 'created' | 'partitions added';
  partitions: number;
}

/**
 * Creates every topic and dead-letter topic taskfn uses, with its partition count, and adds
 * partitions where a topic has too few. Idempotent: a second run changes nothing. Topics are made
 * here rather than by broker auto-creation, which would give them the broker's default partitions.
 */
export async function provisionTopics(admin: Admin, { replicationFactor = 1 } = {}): Promise<TopicChange[]> {
  const wanted = allTopics.flatMap((t) => [
    { topic: t.name, partitions: t.partitions },
    { topic: t.deadLetter, partitions: 1 },
  ]);
  const existing = new Set(await admin.listTopics());
  const changes: TopicChange[] = [];
  const missing = wanted.filter((w) => !existing.has(w.topic));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((w) => ({ topic: w.topic, numPartitions: w.partitions, replicationFactor })),
    });
    changes.push(...missing.map((w) => ({ topic: w.topic, change: 'created' as const, partitions: w.partitions })));
  }
  const present = wanted.filter((w) => existing.has(w.topic));
  if (present.length > 0) {
    const { topics } = await admin.fetchTopicMetadata({ topics: present.map((w) => w.topic) });
    const short = present.filter((w) => (topics.find((t) => t.name === w.topic)?.partitions.length ?? 0) < w.partitions);
    if (short.length > 0) {
      await admin.createPartitions({ topicPartitions: short.map((w) => ({ topic: w.topic, count: w.partitions })) });
      changes.push(...short.map((w) => ({ topic: w.topic, change: 'partitions added' as const, partitions: w.partitions })));
    }
  }
  return changes;
}
