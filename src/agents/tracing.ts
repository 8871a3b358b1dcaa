// Every model call, tool call, code execution and message of a run, one JSON object per line in
// runs/<id>/trace.jsonl, appended as it happens so a killed run keeps its trace up to the kill.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type TraceEvent =
  | { type: 'run_start'; runId: string; resumed: boolean }
  | { type: 'message'; seq: number; from: string; to: string; content: string; toolCalls?: number; toolResults?: number }
  | { type: 'model_call_start'; agent: string; model: string; messages: number; tools: number }
  | { type: 'model_call_end'; agent: string; model: string; promptTokens: number; completionTokens: number; finishReason: string; ms: number }
  | { type: 'tool_call'; agent: string; tool: string; callId: string; arguments: string }
  | { type: 'tool_result'; agent: string; tool: string; callId: string; isError: boolean; content: string }
  | { type: 'code_execution'; agent: string; executor: string; blocks: number; exitCode: number; timedOut: boolean; ms: number }
  | { type: 'speaker_selected'; speaker: string; mode: string; candidates: string[] }
  | { type: 'selector_retry'; output: string; reason: string }
  | { type: 'selector_fallback'; speaker: string; reason: string }
  | { type: 'input_requested'; agent: string; reason: string }
  | { type: 'termination'; reason: string };

export interface Tracer {
  emit(event: TraceEvent): void;
}

export const nullTracer: Tracer = { emit() {} };

/** Keeps events in memory (tests, and callers that forward them elsewhere). */
export class MemoryTracer implements Tracer {
  readonly events: TraceEvent[] = [];
  emit(event: TraceEvent): void {
    this.events.push(event);
  }
}

export class JsonlTracer implements Tracer {
  readonly path: string;

  constructor(runsDir: string, runId: string, private readonly clock: () => number = Date.now) {
    const dir = join(runsDir, runId);
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, 'trace.jsonl');
  }

  emit(event: TraceEvent): void {
    appendFileSync(this.path, JSON.stringify({ t: this.clock(), ...event }) + '\n');
  }
}

export function fanOut(...tracers: Tracer[]): Tracer {
  return { emit: (e) => tracers.forEach((t) => t.emit(e)) };
}
