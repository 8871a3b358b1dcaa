// Every CLI command, in the order `tessera --help` lists them. Each lives in its own file.
import type { Command } from '../command.ts';
import { versionCommand } from './version.ts';
import { trainCommand } from './train.ts';
import { generateCommand } from './generate.ts';
import { evalCommand } from './eval.ts';

export const commands: Command[] = [trainCommand, generateCommand, evalCommand, versionCommand];
