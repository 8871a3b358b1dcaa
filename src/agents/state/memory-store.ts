// In-memory checkpoints for tests and short-lived runs.
import type { CheckpointStore, RunSnapshot } from '../run.ts';

/** Keeps checkpoints in memory, as JSON so a loaded snapshot shares nothing with the live run. */
export class MemoryStore implements CheckpointStore {
  private readonly checkpoints = new Map<string, string[]>();

  save(s: RunSnapshot): void {
    const list = this.checkpoints.get(s.runId) ?? [];
    list[s.transcript.length] = JSON.stringify(s);
    this.checkpoints.set(s.runId, list);
  }

  load(runId: string, seq?: number): RunSnapshot | null {
    const list = this.checkpoints.get(runId) ?? [];
    const json = seq === undefined ? list.at(-1) : list[seq];
    return json ? (JSON.parse(json) as RunSnapshot) : null;
  }
}
