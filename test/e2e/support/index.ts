// The end-to-end harness: a real VS Code (code-server) driven through Chromium. See session.ts.
export { E2ESession, withSession, chromiumArgs, type SessionOptions } from './session';
export { Workbench, type TreeItem, type Problem, type ProblemCounts } from './workbench';
export { CodeServer, defaultSettings } from './codeServer';
export { readSetupInfo, repoRoot, sharedToolsDir, e2eDir, artifactsDir, type SetupInfo } from './setupInfo';
export { sessionSteps, type SessionSteps } from './steps';
