// Tools: define one from a zod schema, describe it to a model as JSON Schema, and run a model's
// calls. Unknown tools, invalid JSON, schema violations and thrown errors all become error
// results the model can read and fix; they never crash the chat.
import { z, type ZodType } from 'zod';
import type { ToolCall, ToolDefinition } from '../spec/chat-model.ts';
import type { Tool, ToolOutput } from '../spec/tool.ts';
import type { ToolResult } from './messages.ts';
import type { Tracer } from './tracing.ts';

export function defineTool<S extends ZodType>(t: {
  name: string;
  description: string;
  input: S;
  execute: Tool<z.output<S>>['execute'];
}): Tool<z.output<S>> {
  return { specVersion: 1, name: t.name, description: t.description, inputSchema: t.input as ZodType<z.output<S>>, execute: t.execute };
}

export function toolDefinition(tool: Tool): ToolDefinition {
  const schema = z.toJSONSchema(tool.inputSchema) as Record<string, unknown>;
  delete schema.$schema;
  return { name: tool.name, description: tool.description, parameters: schema };
}

/** A tool whose call passes control to `target` (a swarm-style handoff). */
export function handoffTool(target: string, description = `Hand the conversation over to ${target}.`): Tool<{ message?: string }> {
  return defineTool({
    name: `transfer_to_${target}`,
    description,
    input: z.object({ message: z.string().optional() }),
    execute: async (input) => ({ handoff: target, ...(input.message ? { message: input.message } : {}) }),
  });
}

function isHandoff(out: ToolOutput): out is { handoff: string; message?: string } {
  return typeof out === 'object' && out !== null && typeof (out as { handoff?: unknown }).handoff === 'string';
}

export interface ToolRunResult {
  readonly results: ToolResult[];
  readonly handoff?: string;
}

/** Runs calls concurrently; results come back in call order whatever order they finish in. */
export async function runToolCalls(
  calls: readonly ToolCall[],
  tools: ReadonlyMap<string, Tool>,
  ctx: { agentName: string; signal: AbortSignal; tracer: Tracer },
): Promise<ToolRunResult> {
  let handoff: string | undefined;
  const results = await Promise.all(
    calls.map(async (call): Promise<ToolResult> => {
      ctx.tracer.emit({ type: 'tool_call', agent: ctx.agentName, tool: call.name, callId: call.id, arguments: call.arguments });
      const err = (content: string): ToolResult => ({ toolCallId: call.id, name: call.name, content: `Error: ${content}`, isError: true });
      const r = await (async (): Promise<ToolResult> => {
        const tool = tools.get(call.name);
        if (!tool) return err(`unknown tool '${call.name}'; available: ${[...tools.keys()].join(', ') || '(none)'}`);
        let raw: unknown;
        try {
          raw = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
        } catch (e) {
          return err(`arguments for '${call.name}' are not valid JSON (${(e as Error).message}); send a JSON object`);
        }
        const parsed = (tool.inputSchema as ZodType).safeParse(raw);
        if (!parsed.success) return err(`invalid arguments for '${call.name}':\n${z.prettifyError(parsed.error)}`);
        try {
          const out = await tool.execute(parsed.data, { signal: ctx.signal, callId: call.id, agentName: ctx.agentName });
          if (isHandoff(out)) {
            handoff ??= out.handoff;
            return { toolCallId: call.id, name: call.name, content: out.message ?? `Transferred to ${out.handoff}.`, isError: false };
          }
          return { toolCallId: call.id, name: call.name, content: typeof out === 'string' ? out : JSON.stringify(out), isError: false };
        } catch (e) {
          return err(`'${call.name}' failed: ${(e as Error).message}`);
        }
      })();
      ctx.tracer.emit({ type: 'tool_result', agent: ctx.agentName, tool: call.name, callId: call.id, isError: r.isError, content: r.content });
      return r;
    }),
  );
  return handoff ? { results, handoff } : { results };
}
