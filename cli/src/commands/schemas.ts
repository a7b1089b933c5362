import type { Command } from 'commander';

// Scaffold: replaced by the real command.
export const registerSchemas = (program: Command): void => {
  program.command('schemas').description('not yet implemented');
};
