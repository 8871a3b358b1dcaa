// Every CLI command, in the order `tessera --help` lists them. Each lives in its own file.
import type { Command } from '../command.ts';
import { planCommand } from './plan.ts';
import { reproduceCommand } from './reproduce.ts';
import { versionCommand } from './version.ts';

export const commands: Command[] = [planCommand, reproduceCommand, versionCommand];
