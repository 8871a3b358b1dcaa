// Every CLI command, in the order `tessera --help` lists them. Each lives in its own file.
import type { Command } from '../command.ts';
import { planCommand } from './plan.ts';
import { reproduceCommand } from './reproduce.ts';
import { agentsChatCommand } from './agents-chat.ts';
import { agentsRunCommand } from './agents-run.ts';
import { tokenizerTrainCommand } from './tokenizer-train.ts';
import { versionCommand } from './version.ts';
import { serveCommand } from './serve.ts';

export const commands: Command[] = [planCommand, reproduceCommand, serveCommand, tokenizerTrainCommand, versionCommand, agentsChatCommand, agentsRunCommand];
