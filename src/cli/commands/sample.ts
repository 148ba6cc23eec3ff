import { UserError, type CliCommand } from '../cliSupport';

// Placeholder until its issue lands; replaced by the real command.
export const sampleCommand: CliCommand = {
  name: 'sample',
  summary: '(not built yet)',
  usage: 'toolflow sample',
  run() {
    return Promise.reject(new UserError('toolflow sample is not built yet'));
  },
};
