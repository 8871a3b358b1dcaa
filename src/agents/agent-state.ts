// An agent's resumable state: its threads with each peer (or group) and its auto-reply counters.
import type { ChatEntry } from './messages.ts';

export interface AgentState {
  readonly threads: Readonly<Record<string, readonly ChatEntry[]>>;
  readonly counters: Readonly<Record<string, number>>;
}
