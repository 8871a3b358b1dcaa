// Team files: a JSON description of agents and how they talk (a two-agent chat or a group chat),
// validated with zod, and built into runnable agents against one ChatModel.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ChatModel } from '../spec/chat-model.ts';
import { fail } from '../util/errors.ts';
import { ConversableAgent, defaultTermination, type HumanInputSource } from './agent.ts';
import { initiateChat, resumeChat, type ChatResult } from './chat.ts';
import { LocalExecutor } from './executors/local.ts';
import { SandboxedExecutor } from './executors/sandboxed.ts';
import type { CodeExecutor } from './executors/types.ts';
import { GroupChat } from './group-chat.ts';
import { assistantSystemMessage } from './roles.ts';
import type { RunOptions, RunSnapshot } from './run.ts';
import { anyOf, CostBudget, MaxMessages, TextMention, Timeout, TokenUsage, type TerminationCondition } from './termination.ts';

const agentSpec = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  role: z.enum(['assistant', 'user_proxy', 'agent']).default('agent'),
  description: z.string().optional(),
  system: z.string().optional(),
  /** Whether the agent is backed by the model. Default: true for assistants and agents. */
  useModel: z.boolean().optional(),
  humanInput: z.enum(['ALWAYS', 'TERMINATE', 'NEVER']).optional(),
  maxAutoReply: z.number().int().positive().optional(),
  executor: z.enum(['sandboxed', 'local', 'none']).default('none'),
  temperature: z.number().min(0).max(2).optional(),
});

export const teamFileSchema = z.object({
  kind: z.enum(['chat', 'group']),
  agents: z.array(agentSpec).min(2),
  initiator: z.string(),
  recipient: z.string().optional(),
  message: z.string().optional(),
  maxTurns: z.number().int().positive().optional(),
  group: z.object({
    speakerSelection: z.enum(['auto', 'round_robin', 'random', 'manual']).default('auto'),
    maxRound: z.number().int().positive().default(10),
    allowed: z.record(z.string(), z.array(z.string())).optional(),
    disallowed: z.record(z.string(), z.array(z.string())).optional(),
    allowRepeatSpeaker: z.boolean().default(true),
    seed: z.number().int().default(0),
  }).optional(),
  termination: z.object({
    textMention: z.string().optional(),
    maxMessages: z.number().int().positive().optional(),
    maxTokens: z.number().int().positive().optional(),
    maxCost: z.number().positive().optional(),
    timeoutMs: z.number().int().positive().optional(),
  }).optional(),
});

export type TeamFile = z.output<typeof teamFileSchema>;

export function parseTeamFile(text: string, where = 'team file'): TeamFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    fail('parseTeamFile', `${where} is not valid JSON: ${(e as Error).message}`);
  }
  const r = teamFileSchema.safeParse(raw);
  if (!r.success) fail('parseTeamFile', `${where} is invalid:\n${z.prettifyError(r.error)}`);
  const names = r.data.agents.map((a) => a.name);
  for (const n of [r.data.initiator, r.data.recipient].filter((x): x is string => x !== undefined)) {
    if (!names.includes(n)) fail('parseTeamFile', `${where}: '${n}' is not one of the agents (${names.join(', ')})`);
  }
  if (r.data.kind === 'chat' && (!r.data.recipient || r.data.agents.length !== 2)) fail('parseTeamFile', `${where}: a 'chat' needs exactly 2 agents and a recipient`);
  return r.data;
}

export function loadTeamFile(path: string): TeamFile {
  return parseTeamFile(readFileSync(path, 'utf8'), path);
}

export interface TeamEnv {
  readonly model: ChatModel;
  readonly humanInput?: HumanInputSource;
  readonly onToken?: (delta: string, agent: string) => void;
  readonly workDir?: string;
}

export interface Team {
  readonly agents: readonly ConversableAgent[];
  run(message: string, o: RunOptions): Promise<ChatResult>;
  resume(snapshot: RunSnapshot, o: RunOptions): Promise<ChatResult>;
}

function executorFor(kind: 'sandboxed' | 'local' | 'none', workDir?: string): CodeExecutor | undefined {
  if (kind === 'sandboxed') return new SandboxedExecutor({ workDir });
  if (kind === 'local') return new LocalExecutor({ workDir });
  return undefined;
}

function terminationFor(t: TeamFile['termination']): TerminationCondition | undefined {
  if (!t) return undefined;
  const parts: TerminationCondition[] = [];
  if (t.textMention) parts.push(new TextMention(t.textMention));
  if (t.maxMessages) parts.push(new MaxMessages(t.maxMessages));
  if (t.maxTokens) parts.push(new TokenUsage({ maxTotal: t.maxTokens }));
  if (t.maxCost) parts.push(new CostBudget(t.maxCost));
  if (t.timeoutMs) parts.push(new Timeout(t.timeoutMs));
  return parts.length ? anyOf(...parts) : undefined;
}

export function buildTeam(spec: TeamFile, env: TeamEnv): Team {
  const agents = spec.agents.map((a) => {
    const useModel = a.useModel ?? a.role !== 'user_proxy';
    return new ConversableAgent({
      name: a.name,
      description: a.description,
      systemMessage: a.system ?? (a.role === 'assistant' ? assistantSystemMessage : undefined),
      model: useModel ? env.model : undefined,
      temperature: a.temperature,
      humanInputMode: a.humanInput ?? (a.role === 'user_proxy' ? 'ALWAYS' : 'NEVER'),
      humanInput: env.humanInput,
      maxConsecutiveAutoReply: a.maxAutoReply,
      isTerminationMsg: a.role === 'user_proxy' ? defaultTermination : undefined,
      executor: executorFor(a.executor, env.workDir),
      onToken: env.onToken,
    });
  });
  const byName = (n: string) => agents.find((a) => a.name === n)!;
  const termination = terminationFor(spec.termination);
  if (spec.kind === 'chat') {
    const [a, b] = [byName(spec.initiator), byName(spec.recipient!)];
    return {
      agents,
      run: (message, o) => initiateChat(a, b, message, { ...o, termination, maxTurns: spec.maxTurns }),
      resume: (s, o) => resumeChat(a, b, s, { ...o, termination, maxTurns: spec.maxTurns }),
    };
  }
  const g = spec.group ?? teamFileSchema.shape.group.unwrap().parse({});
  const group = new GroupChat({ agents, ...g, selectorModel: env.model, humanInput: env.humanInput });
  return {
    agents,
    run: (message, o) => group.run(spec.initiator, message, { ...o, termination }),
    resume: (s, o) => group.resume(s, { ...o, termination }),
  };
}
