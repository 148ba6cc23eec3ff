import { UserError, type CliCommand } from '../cliSupport';

// Placeholder until its issue lands; replaced by the real command.
export const graphCommand: CliCommand = {
  name: 'graph',
  summary: '(not built yet)',
  usage: 'toolflow graph',
  run() {
    return Promise.reject(new UserError('toolflow graph is not built yet'));
  },
};
