// A stand-in for a generator writing a run: takes the run folder's lock with the engine's own
// acquireRunLock, says "locked" and holds it until killed.
//   node --import tsx test/e2e/support/holdRunLock.ts <run folder>
import { acquireRunLock } from '../../../src/engine/pipeline/runLock';

acquireRunLock(process.argv[2]!, 'toolflow generate (e2e stand-in)');
process.stdout.write('locked\n');
setInterval(() => undefined, 60_000);
