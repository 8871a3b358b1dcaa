// The Tool boundary: a named function a model may call, with a zod schema that both validates
// the model's arguments and becomes the JSON Schema the model is shown. Types only.
import type { ZodType } from 'zod';

export type ToolSpecVersion = 1;

export interface ToolContext {
  readonly signal: AbortSignal;
  /** The id of the call being answered. */
  readonly callId: string;
  /** The agent running the tool. */
  readonly agentName: string;
}

/** A tool may return plain text, any JSON value, or a handoff that passes control to an agent. */
export type ToolOutput = string | number | boolean | null | object | { readonly handoff: string; readonly message?: string };

export interface Tool<Input = unknown> {
  readonly specVersion: ToolSpecVersion;
  readonly name: string;
  readonly description: string;
  readonly inputSchema: ZodType<Input>;
  execute(input: Input, context: ToolContext): Promise<ToolOutput>;
}
