// Every CLI command, in the order `tessera --help` lists them. Each lives in its own file.
// One import and one list entry per line, so branches adding commands merge cleanly.
import type { Command } from '../command.ts';
import { agentsChatCommand } from './agents-chat.ts';
import { agentsRunCommand } from './agents-run.ts';
import { evalCommand } from './eval.ts';
import { generateCommand } from './generate.ts';
import { planCommand } from './plan.ts';
import { reproduceCommand } from './reproduce.ts';
import { tokenizerTrainCommand } from './tokenizer-train.ts';
import { trainCommand } from './train.ts';
import { versionCommand } from './version.ts';

export const commands: Command[] = [
  trainCommand,
  generateCommand,
  evalCommand,
  tokenizerTrainCommand,
  planCommand,
  reproduceCommand,
  agentsChatCommand,
  agentsRunCommand,
  versionCommand,
];
