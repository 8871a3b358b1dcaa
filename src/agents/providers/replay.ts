// Replays recorded request/response pairs. A request that was not recorded fails loudly with the
// hash and the first differing message, so a changed prompt never passes silently.
import { readFileSync } from 'node:fs';
import type { ChatModel, GenerateRequest, GenerateResponse, StreamEvent } from '../../spec/chat-model.ts';
import { fail } from '../../util/errors.ts';
import { writeFileAtomic } from '../../util/fs.ts';
import { streamResponse, throwIfAborted } from './common.ts';
import { requestBody, requestKey } from './request-key.ts';

export interface ReplayEntry {
  readonly key: string;
  readonly request: unknown;
  readonly response: GenerateResponse;
}

export interface ReplayFixture {
  readonly version: 1;
  readonly model: string;
  readonly entries: readonly ReplayEntry[];
}

export interface ReplayOptions {
  /** `ordered`: serve entries in order and check each key; `keyed`: look each request up by key. */
  readonly mode?: 'ordered' | 'keyed';
}

export function loadReplayFixture(path: string): ReplayFixture {
  const f = JSON.parse(readFileSync(path, 'utf8')) as ReplayFixture;
  if (f.version !== 1 || !Array.isArray(f.entries)) fail('loadReplayFixture', `${path}: expected {version: 1, model, entries: [...]}`);
  return f;
}

function describeMismatch(expected: unknown, got: unknown): string {
  const e = (expected as { messages?: unknown[] }).messages ?? [];
  const g = (got as { messages?: unknown[] }).messages ?? [];
  for (let i = 0; i < Math.max(e.length, g.length); i++) {
    const a = JSON.stringify(e[i]);
    const b = JSON.stringify(g[i]);
    if (a !== b) return `message ${i} differs: recorded ${a?.slice(0, 200) ?? '(none)'}, got ${b?.slice(0, 200) ?? '(none)'}`;
  }
  return 'messages match; other request fields (tools, temperature, ...) differ';
}

export class ReplayModel implements ChatModel {
  readonly specVersion = 1 as const;
  readonly name: string;
  private next = 0;
  private readonly mode: 'ordered' | 'keyed';

  constructor(private readonly fixture: ReplayFixture, options: ReplayOptions = {}) {
    this.name = fixture.model;
    this.mode = options.mode ?? 'ordered';
  }

  /** How many recorded responses have been served. */
  get served(): number {
    return this.next;
  }

  async generate(request: GenerateRequest): Promise<GenerateResponse> {
    throwIfAborted(request.signal, 'ReplayModel');
    const key = requestKey(request);
    if (this.mode === 'keyed') {
      const hit = this.fixture.entries.find((e) => e.key === key);
      if (!hit) fail('ReplayModel', `unrecorded request (key ${key}); ${this.fixture.entries.length} recorded keys`);
      this.next += 1;
      return hit.response;
    }
    const entry = this.fixture.entries[this.next];
    if (!entry) fail('ReplayModel', `unrecorded request #${this.next + 1} (key ${key}): the fixture holds ${this.fixture.entries.length}`);
    if (entry.key !== key) fail('ReplayModel', `request #${this.next + 1} does not match the recording (key ${key}, recorded ${entry.key}): ${describeMismatch(entry.request, requestBody(request))}`);
    this.next += 1;
    return entry.response;
  }

  async *stream(request: GenerateRequest): AsyncIterable<StreamEvent> {
    yield* streamResponse(await this.generate(request));
  }
}

/** Wraps a live model and records every exchange, to be saved as a replay fixture. */
export class RecordingModel implements ChatModel {
  readonly specVersion = 1 as const;
  readonly entries: ReplayEntry[] = [];

  constructor(private readonly inner: ChatModel) {}

  get name(): string {
    return this.inner.name;
  }

  async generate(request: GenerateRequest): Promise<GenerateResponse> {
    const response = await this.inner.generate(request);
    this.entries.push({ key: requestKey(request), request: requestBody(request), response });
    return response;
  }

  async *stream(request: GenerateRequest): AsyncIterable<StreamEvent> {
    for await (const e of this.inner.stream(request)) {
      if (e.type === 'done') this.entries.push({ key: requestKey(request), request: requestBody(request), response: e.response });
      yield e;
    }
  }

  fixture(): ReplayFixture {
    return { version: 1, model: this.inner.name, entries: this.entries };
  }

  save(path: string): void {
    writeFileAtomic(path, JSON.stringify(this.fixture(), null, 2) + '\n');
  }
}
