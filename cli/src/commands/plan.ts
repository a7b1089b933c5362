import type { Command } from 'commander';

// Scaffold: replaced by the real command.
export const registerPlan = (program: Command): void => {
  program.command('plan').description('not yet implemented');
};
