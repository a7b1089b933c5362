import type { Command } from 'commander';

// Scaffold: replaced by the real command.
export const registerValidate = (program: Command): void => {
  program.command('validate').description('not yet implemented');
};
