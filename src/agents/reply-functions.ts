// The four default reply functions of a conversable agent.
import type { ReplyContext, ReplyOutcome } from './agent.ts';
import { extractCodeBlocks } from './code-blocks.ts';
import { threadToChat, type AgentMessage } from './messages.ts';
import { collectStream } from './providers/common.ts';
import { runToolCalls, toolDefinition } from './tools.ts';
import type { ChatMessage, GenerateResponse, StreamEvent, ToolDefinition } from '../spec/chat-model.ts';

async function* tap(events: AsyncIterable<StreamEvent>, onDelta: (d: string) => void): AsyncGenerator<StreamEvent> {
  for await (const e of events) {
    if (e.type === 'delta') onDelta(e.content);
    yield e;
  }
}

const stop = (stopReason: string): ReplyOutcome => ({ final: true, reply: null, stopReason });

/** Human input and the termination / auto-reply-limit check, before any automatic reply. */
export async function humanAndTerminationReply(ctx: ReplyContext): Promise<ReplyOutcome | null> {
  const { agent, run } = ctx;
  const last = ctx.messages.at(-1);
  const key = ctx.sender?.name ?? '';
  const count = agent.counters.get(key) ?? 0;
  const terminating = last !== undefined && agent.isTermination(last.message);
  const atLimit = count >= agent.maxConsecutiveAutoReply;
  const mode = agent.humanInputMode;
  const ask = mode === 'ALWAYS' || (mode === 'TERMINATE' && (terminating || atLimit));
  if (ask) {
    const reason = mode === 'ALWAYS' ? 'always' : terminating ? 'termination' : 'limit';
    const prompt = `Reply to ${key || 'the chat'} as ${agent.name} (empty: auto-reply, 'exit': end): `;
    const input = await agent.askHuman({ agent: agent.name, sender: key, prompt, reason }, run);
    if (input.trim() === 'exit') return stop(`${agent.name}: human ended the chat`);
    if (input.trim() !== '') {
      agent.counters.set(key, 0);
      return { final: true, reply: { content: input } };
    }
    if (terminating) return stop(`${agent.name}: termination message received`);
    // Empty input below the termination test: reply automatically, counting it as automatic.
  } else if (terminating) {
    return stop(last.message.content.trim() === '' ? `${agent.name}: empty message received` : `${agent.name}: termination message received`);
  } else if (atLimit && mode === 'NEVER') {
    return stop(`${agent.name}: auto-reply limit (${agent.maxConsecutiveAutoReply}) reached`);
  }
  agent.counters.set(key, count + 1);
  return null;
}

export async function toolCallReply(ctx: ReplyContext): Promise<ReplyOutcome | null> {
  const last = ctx.messages.at(-1);
  const calls = last?.from !== ctx.agent.name ? last?.message.toolCalls : undefined;
  if (!calls?.length || ctx.agent.tools.size === 0) return null;
  const r = await runToolCalls(calls, ctx.agent.tools, { agentName: ctx.agent.name, signal: ctx.run.signal, tracer: ctx.run.tracer });
  const reply: AgentMessage = { content: '', toolResults: r.results, ...(r.handoff ? { handoff: r.handoff } : {}) };
  return { final: true, reply };
}

export async function codeExecutionReply(ctx: ReplyContext): Promise<ReplyOutcome | null> {
  const executor = ctx.agent.options.executor;
  if (!executor) return null;
  // Only the other party's messages: never re-run code quoted in our own execution output.
  const theirs = ctx.messages.filter((e) => e.from !== ctx.agent.name).slice(-(ctx.agent.options.codeLookback ?? 1));
  const found = theirs.flatMap((e) => extractCodeBlocks(e.message.content));
  if (found.length === 0) return null;
  const approval = ctx.agent.options.approveCode ? await ctx.agent.options.approveCode(found, ctx.agent.name) : true;
  if (approval === false) return { final: true, reply: { content: 'exitcode: 1 (execution not approved)\nThe code was not run: the reviewer did not approve it.' } };
  const blocks = approval === true ? found : approval;
  const t0 = ctx.run.clock();
  const r = await executor.execute(blocks, { timeoutMs: ctx.agent.options.codeTimeoutMs, signal: ctx.run.signal });
  ctx.run.tracer.emit({ type: 'code_execution', agent: ctx.agent.name, executor: executor.name, blocks: blocks.length, exitCode: r.exitCode, timedOut: r.timedOut, ms: ctx.run.clock() - t0 });
  const status = r.exitCode === 0 ? 'execution succeeded' : r.timedOut ? 'execution timed out' : 'execution failed';
  return { final: true, reply: { content: `exitcode: ${r.exitCode} (${status})\nCode output:\n${r.output}` } };
}

/** One model call with usage and trace. */
async function callModel(ctx: ReplyContext, messages: ChatMessage[], tools: ToolDefinition[]): Promise<GenerateResponse> {
  const { agent, run } = ctx;
  const model = agent.options.model!;
  const request = { messages, ...(tools.length ? { tools } : {}), ...(agent.options.temperature !== undefined ? { temperature: agent.options.temperature } : {}), signal: run.signal };
  run.tracer.emit({ type: 'model_call_start', agent: agent.name, model: model.name, messages: messages.length, tools: tools.length });
  const t0 = run.clock();
  const onToken = agent.options.onToken;
  const r = onToken ? await collectStream(tap(model.stream(request), (d) => onToken(d, agent.name))) : await model.generate(request);
  run.ledger.record(agent.name, model.name, r.usage);
  run.tracer.emit({ type: 'model_call_end', agent: agent.name, model: model.name, promptTokens: r.usage.promptTokens, completionTokens: r.usage.completionTokens, finishReason: r.finishReason, ms: run.clock() - t0 });
  return r;
}

/**
 * The model's reply. When every tool the model calls is one this agent runs itself, the calls
 * are run and the model is called again (up to maxToolIterations), so a single agent can use
 * tools without a partner; otherwise the tool calls go out as the reply.
 */
export async function modelReply(ctx: ReplyContext): Promise<ReplyOutcome | null> {
  const { agent, run } = ctx;
  if (!agent.options.model) return null;
  const system = agent.options.systemMessage;
  const messages: ChatMessage[] = [...(system ? [{ role: 'system' as const, content: system }] : []), ...threadToChat(ctx.messages, agent.name)];
  const tools = (agent.options.modelTools ?? []).map(toolDefinition);
  const maxIterations = agent.options.maxToolIterations ?? 5;
  for (let i = 0; ; i++) {
    const r = await callModel(ctx, [...messages], tools);
    const calls = r.message.toolCalls ?? [];
    const selfRun = calls.length > 0 && calls.every((c) => agent.tools.has(c.name));
    if (!selfRun || i >= maxIterations) {
      return { final: true, reply: { content: r.message.content, ...(calls.length ? { toolCalls: calls } : {}) } };
    }
    const out = await runToolCalls(calls, agent.tools, { agentName: agent.name, signal: run.signal, tracer: run.tracer });
    if (out.handoff) return { final: true, reply: { content: out.results.map((x) => x.content).join('\n'), handoff: out.handoff } };
    messages.push(r.message, ...out.results.map((x): ChatMessage => ({ role: 'tool', content: x.content, toolCallId: x.toolCallId, name: x.name })));
  }
}
