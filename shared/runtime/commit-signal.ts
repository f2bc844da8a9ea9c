/**
 * Hears of every commit that may have written events. The runtime's relay listens to publish them
 * at once; anything else (a test, a second relay) may listen too.
 */
export interface CommitSignal {
  onCommit(listener: () => void): () => void;
  committed(): void;
}

export function createCommitSignal(): CommitSignal {
  const listeners = new Set<() => void>();
  return {
    onCommit(listener) {
      // Wrapped so the same function added twice is two listeners, each removed by its own call.
      const entry = () => listener();
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
    committed() {
      for (const listener of listeners) listener();
    },
  };
}
