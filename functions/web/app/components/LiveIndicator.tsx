import type { LiveState } from '../live.ts';

const words: Record<LiveState, string> = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', offline: 'Offline' };

/** Whether other tabs' and devices' changes reach this page now: shape and word, not colour alone. */
export function LiveIndicator({ state }: { state: LiveState }) {
  return (
    <span class={`live ${state}`} role="status" aria-label={`Sync: ${words[state]}`}>
      <span aria-hidden="true">{state === 'live' ? '●' : state === 'offline' ? '○' : '◐'}</span> {words[state]}
    </span>
  );
}
