// Mocks for the two agent-facing specs. The ChatModel mock is the scripted provider; the Tool
// mock records its calls and answers from a function of its validated input.
import { z, type ZodType } from 'zod';
import type { Tool, ToolOutput } from '../spec/tool.ts';
import { ScriptedModel, type ScriptFn, type ScriptStep } from './providers/scripted.ts';

export function mockChatModel(script: readonly ScriptStep[] | ScriptFn, name = 'mock'): ScriptedModel {
  return new ScriptedModel(script, { name });
}

export interface MockTool<I> extends Tool<I> {
  readonly calls: I[];
}

export function mockTool<S extends ZodType = ZodType<Record<string, unknown>>>(
  name: string,
  answer: (input: z.output<S>) => ToolOutput = () => 'ok',
  inputSchema: S = z.record(z.string(), z.unknown()) as unknown as S,
): MockTool<z.output<S>> {
  const calls: z.output<S>[] = [];
  return {
    specVersion: 1,
    name,
    description: `mock tool ${name}`,
    inputSchema: inputSchema as ZodType<z.output<S>>,
    calls,
    async execute(input) {
      calls.push(input);
      return answer(input);
    },
  };
}
