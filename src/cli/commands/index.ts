// Every CLI command, in the order `tessera --help` lists them. Each lives in its own file.
import type { Command } from '../command.ts';
import { agentsChatCommand } from './agents-chat.ts';
import { agentsRunCommand } from './agents-run.ts';
import { versionCommand } from './version.ts';

export const commands: Command[] = [versionCommand, agentsChatCommand, agentsRunCommand];
