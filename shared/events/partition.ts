// The partition Dapr's Kafka component would choose for a key: it leaves sarama's default hash
// partitioner in place, which takes FNV-1a (32 bit) of the key, reads it as a signed int32, takes
// the remainder by the partition count and flips a negative result. kafkajs's default (murmur2)
// would scatter one user's events differently depending on which transport wrote them.

const fnvOffset = 0x811c9dc5;
const fnvPrime = 0x01000193;

export function fnv1a32(bytes: Uint8Array): number {
  let hash = fnvOffset;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, fnvPrime) >>> 0;
  return hash;
}

export function saramaPartition(key: string | Uint8Array, partitions: number): number {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  // `| 0` reads the hash as Go's int32(hash); `%` keeps the dividend's sign in JS as in Go.
  const p = (fnv1a32(bytes) | 0) % partitions;
  // Math.abs, not `-p`: a remainder of -0 must come out as the partition number 0.
  return Math.abs(p);
}
