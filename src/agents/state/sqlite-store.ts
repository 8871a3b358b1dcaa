// Checkpoints in SQLite: each message and the run state after it are written in one transaction,
// so a run killed at any instant resumes from its last whole message.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fail } from '../../util/errors.ts';
import type { ChatEntry } from '../messages.ts';
import type { CheckpointStore, RunSnapshot } from '../run.ts';

export interface RunSummary {
  readonly runId: string;
  readonly kind: string;
  readonly messages: number;
  readonly updatedAt: number;
}

export class SqliteStore implements CheckpointStore {
  private readonly db: Database.Database;
  private readonly insertMessage: Database.Statement;
  private readonly insertCheckpoint: Database.Statement;
  private readonly saveTx: (s: RunSnapshot) => void;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS messages (run_id TEXT NOT NULL, seq INTEGER NOT NULL, sender TEXT NOT NULL, recipient TEXT NOT NULL, message TEXT NOT NULL, PRIMARY KEY (run_id, seq));
      CREATE TABLE IF NOT EXISTS checkpoints (run_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, state TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (run_id, seq));
    `);
    this.insertMessage = this.db.prepare('INSERT OR REPLACE INTO messages VALUES (?, ?, ?, ?, ?)');
    this.insertCheckpoint = this.db.prepare('INSERT OR REPLACE INTO checkpoints VALUES (?, ?, ?, ?, ?)');
    this.saveTx = this.db.transaction((s: RunSnapshot) => {
      const seq = s.transcript.length;
      const last = s.transcript[seq - 1];
      if (last) this.insertMessage.run(s.runId, seq, last.from, last.to, JSON.stringify(last.message));
      this.insertCheckpoint.run(s.runId, seq, s.kind, JSON.stringify(s), Date.now());
    });
  }

  save(snapshot: RunSnapshot): void {
    this.saveTx(snapshot);
  }

  /** The latest checkpoint of a run, or the one taken after message `seq`. */
  load(runId: string, seq?: number): RunSnapshot | null {
    const row = (seq === undefined
      ? this.db.prepare('SELECT state FROM checkpoints WHERE run_id = ? ORDER BY seq DESC LIMIT 1').get(runId)
      : this.db.prepare('SELECT state FROM checkpoints WHERE run_id = ? AND seq = ?').get(runId, seq)) as { state: string } | undefined;
    return row ? (JSON.parse(row.state) as RunSnapshot) : null;
  }

  mustLoad(runId: string, seq?: number): RunSnapshot {
    return this.load(runId, seq) ?? fail('SqliteStore', `no checkpoint for run '${runId}'${seq === undefined ? '' : ` at message ${seq}`} in ${this.path}`);
  }

  messages(runId: string): ChatEntry[] {
    const rows = this.db.prepare('SELECT sender, recipient, message FROM messages WHERE run_id = ? ORDER BY seq').all(runId) as { sender: string; recipient: string; message: string }[];
    return rows.map((r) => ({ from: r.sender, to: r.recipient, message: JSON.parse(r.message) }));
  }

  runs(): RunSummary[] {
    const rows = this.db.prepare('SELECT run_id, kind, MAX(seq) AS seq, MAX(updated_at) AS updated FROM checkpoints GROUP BY run_id ORDER BY updated').all() as { run_id: string; kind: string; seq: number; updated: number }[];
    return rows.map((r) => ({ runId: r.run_id, kind: r.kind, messages: r.seq, updatedAt: r.updated }));
  }

  close(): void {
    this.db.close();
  }
}
