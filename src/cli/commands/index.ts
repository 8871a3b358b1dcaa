// Every CLI command, in the order `tessera --help` lists them. Each lives in its own file.
import type { Command } from '../command.ts';
import { versionCommand } from './version.ts';
import { serveCommand } from './serve.ts';

export const commands: Command[] = [versionCommand, serveCommand];
