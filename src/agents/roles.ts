// The paper's two stock agents: a model-backed assistant that writes code and says TERMINATE when
// done, and a user proxy that stands in for the human and runs the code and tools it receives.
import { ConversableAgent, defaultTermination, type ConversableAgentOptions } from './agent.ts';

export const assistantSystemMessage = [
  'You are a careful assistant that solves tasks step by step.',
  'When you need to compute or inspect something, write exactly one complete, runnable code block',
  'fenced with its language tag (```python or ```js) that prints its result; you will be sent the output.',
  'Read the output; if there is an error, fix the code and send the corrected block.',
  'When the task is done, state the answer and end your message with TERMINATE.',
].join(' ');

export class AssistantAgent extends ConversableAgent {
  constructor(o: Omit<ConversableAgentOptions, 'executor'>) {
    super({ systemMessage: assistantSystemMessage, humanInputMode: 'NEVER', ...o });
  }
}

export class UserProxyAgent extends ConversableAgent {
  constructor(o: ConversableAgentOptions) {
    super({ humanInputMode: 'ALWAYS', isTerminationMsg: defaultTermination, ...o });
  }
}
