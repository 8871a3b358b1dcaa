// Small builders shared by the agent tests.
import { ConversableAgent, type ConversableAgentOptions } from '../../../src/agents/agent.ts';
import { ScriptedModel, type ScriptStep } from '../../../src/agents/providers/scripted.ts';
import { Run } from '../../../src/agents/run.ts';
import type { ChatEntry } from '../../../src/agents/messages.ts';

export function scriptedAgent(name: string, replies: readonly ScriptStep[] | ((n: number) => string), o: Partial<ConversableAgentOptions> = {}): ConversableAgent {
  const model = new ScriptedModel(typeof replies === 'function' ? (_r, i) => replies(i) : replies, { name: `${name}-model` });
  return new ConversableAgent({ name, model, ...o });
}

export function modelOf(a: ConversableAgent): ScriptedModel {
  return a.options.model as ScriptedModel;
}

/** `from>to: content` lines, the form transcripts are compared in. */
export function lines(t: readonly ChatEntry[]): string[] {
  return t.map((e) => `${e.from}>${e.to}: ${e.message.content}`);
}

export function bareRun(): Run {
  return new Run('test', []);
}
