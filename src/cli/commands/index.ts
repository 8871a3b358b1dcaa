// Every CLI command, in the order `tessera --help` lists them. Each lives in its own file.
import type { Command } from '../command.ts';
import { tokenizerTrainCommand } from './tokenizer-train.ts';
import { versionCommand } from './version.ts';

export const commands: Command[] = [tokenizerTrainCommand, versionCommand];
