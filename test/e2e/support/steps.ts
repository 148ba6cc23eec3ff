// Steps of one E2E session shared by the tests of a file (one VS Code window, several `test`s).
import { test } from 'node:test';
import type { E2ESession } from './session';

export interface SessionSteps {
  /** Registers a test step; when it throws, the session is marked failed and a `failed-<name>` screenshot is kept. */
  readonly step: (name: string, fn: () => Promise<void>) => void;
  /** True once a step failed: pass it to `session.close(failed)` so the logs are kept. */
  readonly failed: boolean;
}

/** Steps of the session `session()` returns (it is started in `before`, after the steps are registered). */
export function sessionSteps(session: () => E2ESession | undefined): SessionSteps {
  let failed = false;
  return {
    get failed() {
      return failed;
    },
    step: (name, fn) => {
      void test(name, async () => {
        try {
          await fn();
        } catch (e) {
          failed = true;
          await session()?.workbench.screenshot(`failed-${name.slice(0, 40)}`).catch(() => undefined);
          throw e;
        }
      });
    },
  };
}
