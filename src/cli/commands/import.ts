import { UserError, type CliCommand } from '../cliSupport';

// Placeholder until its issue lands; replaced by the real command.
export const importCommand: CliCommand = {
  name: 'import',
  summary: '(not built yet)',
  usage: 'toolflow import',
  run() {
    return Promise.reject(new UserError('toolflow import is not built yet'));
  },
};
