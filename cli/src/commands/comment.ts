import type { Command } from 'commander';

// Scaffold: replaced by the real command.
export const registerComment = (program: Command): void => {
  program.command('comment').description('not yet implemented');
};
