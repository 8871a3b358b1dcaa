// One CLI command: its name, a one-line summary, the --help text, and the code it runs.
export interface Command {
  /** Words after `tessera`, e.g. `train` or `tokenizer train`. */
  readonly name: string;
  readonly summary: string;
  readonly help: string;
  /** Returns the process exit code. */
  run(argv: string[]): Promise<number>;
}
