import { UserError, type CliCommand } from '../cliSupport';

// Placeholder until its issue lands; replaced by the real command.
export const generateCommand: CliCommand = {
  name: 'generate',
  summary: '(not built yet)',
  usage: 'toolflow generate',
  run() {
    return Promise.reject(new UserError('toolflow generate is not built yet'));
  },
};
