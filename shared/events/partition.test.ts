import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Partitioners } from 'kafkajs';
import { fnv1a32, saramaPartition } from './partition.ts';

// Vectors computed by sarama's own NewHashPartitioner, the one Dapr's Kafka component uses
// (scripts/partition-vectors regenerates them); they include keys whose hash is negative as int32.
const vectors = JSON.parse(readFileSync(new URL('./testdata/sarama-partitions.json', import.meta.url), 'utf8')) as {
  generator: string;
  cases: { key: string; partitions: number; partition: number }[];
};

describe('saramaPartition', () => {
  it(`puts every key where Dapr's Kafka component would (${vectors.cases.length} vectors from ${vectors.generator})`, () => {
    const wrong = vectors.cases.filter((c) => saramaPartition(c.key, c.partitions) !== c.partition);
    assert.deepEqual(wrong, []);
  });

  it('answers partition 0 as 0, never -0, for keys whose hash is negative', () => {
    // In JavaScript a negative hash with no remainder leaves -0, which Object.is (assert.equal,
    // Map keys) tells apart from the partition number 0.
    const keys = Array.from({ length: 300 }, (_, i) => `user-${i}`).filter((k) => {
      const signed = fnv1a32(Buffer.from(k)) | 0;
      return signed < 0 && signed % 3 === 0;
    });
    assert.ok(keys.length > 0);
    for (const key of keys) assert.ok(Object.is(saramaPartition(key, 3), 0), key);
  });

  it("differs from kafkajs's own default partitioner, which is why the kafka transport replaces it", () => {
    const murmur2 = Partitioners.DefaultPartitioner();
    const partitionMetadata = [0, 1, 2].map((id) => ({ partitionId: id, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
    const differ = vectors.cases
      .filter((c) => c.partitions === 3)
      .filter((c) => murmur2({ topic: 't', partitionMetadata, message: { key: c.key, value: null } }) !== c.partition);
    assert.ok(differ.length > 0);
  });
});
