// Regenerate: cd scripts/partition-vectors && go run . > ../../shared/events/testdata/sarama-partitions.json
//
// Prints the partition sarama's own hash partitioner picks for a set of keys and partition
// counts, as Dapr's Kafka pub/sub configures it (sarama.NewHashPartitioner, wrapped by Dapr only
// to honour an explicit "partitionNumber"; the key is sarama.StringEncoder(partitionKey)).
// sarama v1.42.2 is what the dapr/components-contrib go.mod we could read pins; v1.61.1 gives
// identical output (the hash partitioner has not changed).
package main

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"runtime/debug"
	"strings"

	"github.com/IBM/sarama"
)

const topic = "task-events" // sarama's hash partitioner ignores the topic

var partitionCounts = []int32{1, 2, 3, 6, 12}

func keys() []string {
	ks := []string{"alice", "bob", "carol", "Alice", "ALICE", "admin"}
	for i := 0; i <= 11; i++ {
		ks = append(ks, fmt.Sprintf("user-%d", i))
	}
	return append(ks,
		"3f2b8c1e-9d4a-4b7e-8f3a-2c1d5e6f7a8b",
		"00000000-0000-0000-0000-000000000000",
		"c56a4180-65aa-42ec-a945-5fd21dec0538",
		"someone@example.com",
		"auth0|5f7c8ec7c33c6c004bbafe82",
		"google-oauth2|104857600123456789012",
		"Jos\u00e9",  // NFC: é is U+00E9
		"Jose\u0301", // NFD: the same text as other bytes, so its own hash
		"用户",
		"\U0001F680",                     // rocket, 4 UTF-8 bytes
		"\U0001F469\u200D\U0001F4BB",     // woman technologist, a ZWJ sequence
		strings.Repeat("0123456789", 30), // 300 chars
		"a",
		"z",
		"0",
		"", // Dapr sets Key = StringEncoder(""), which is hashed, not treated as "no key"
		" ",
		"hello world",
		"tenant:42/task:1001",
		"null",
		"9007199254740993",
		"key-with-\"quotes\"-and-\\backslash",
		"tab\tnewline\n",
	)
}

type result struct {
	Key        string `json:"key"`
	Partitions int32  `json:"partitions"`
	Partition  int32  `json:"partition"`
}

type hash struct {
	Key     string `json:"key"`
	FNV1a32 uint32 `json:"fnv1a32"`
	Int32   int32  `json:"int32"`
	HighBit bool   `json:"highBit"`
}

func saramaVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/IBM/sarama" {
				return dep.Path + " " + dep.Version
			}
		}
	}
	return "github.com/IBM/sarama (unknown version)"
}

func main() {
	// Exactly what Dapr uses: the PartitionerConstructor sarama.NewHashPartitioner with its
	// defaults (no WithAbsFirst / WithReferenceAbs / WithHashUnsigned options).
	var newPartitioner sarama.PartitionerConstructor = sarama.NewHashPartitioner
	partitioner := newPartitioner(topic)

	out := struct {
		Generator string   `json:"generator"`
		Cases     []result `json:"cases"`
		Hashes    []hash   `json:"hashes"`
	}{Generator: saramaVersion() + " NewHashPartitioner (default options; key = sarama.StringEncoder)"}

	negatives := 0
	for _, k := range keys() {
		for _, n := range partitionCounts {
			msg := &sarama.ProducerMessage{Topic: topic, Key: sarama.StringEncoder(k), Partition: -1}
			p, err := partitioner.Partition(msg, n)
			if err != nil {
				fmt.Fprintf(os.Stderr, "partition %q/%d: %v\n", k, n, err)
				os.Exit(1)
			}
			if p < 0 || p >= n {
				fmt.Fprintf(os.Stderr, "partition %q/%d out of range: %d\n", k, n, p)
				os.Exit(1)
			}
			out.Cases = append(out.Cases, result{Key: k, Partitions: n, Partition: p})
		}
		// Same hasher sarama's hashPartitioner uses by default (fnv.New32a), only to document
		// which keys take the negative-int32 branch; partitions above come from sarama itself.
		h := fnv.New32a()
		h.Write([]byte(k))
		sum := h.Sum32()
		out.Hashes = append(out.Hashes, hash{Key: k, FNV1a32: sum, Int32: int32(sum), HighBit: sum&0x80000000 != 0})
		if int32(sum) < 0 {
			negatives++
		}
	}
	if negatives == 0 {
		fmt.Fprintln(os.Stderr, "no key has a negative int32 hash; the abs() branch is not exercised")
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "%d keys, %d cases, %d keys with negative int32 hash\n", len(out.Hashes), len(out.Cases), negatives)

	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
