import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoalescingReload } from '../../../src/extension/common/coalescingReload';

test('calls during a reload share it and cause exactly one more pass', async () => {
  let passes = 0;
  let afters = 0;
  let release!: () => void;
  const reload = new CoalescingReload(
    async () => {
      passes++;
      if (passes === 1) await new Promise<void>((r) => (release = r));
    },
    (e) => assert.fail(String(e)),
    () => afters++,
  );
  const first = reload.run();
  const burst = [reload.run(), reload.run(), reload.run()];
  assert.ok(burst.every((p) => p === first), 'callers during a reload get the same promise');
  release();
  await Promise.all([first, ...burst]);
  assert.equal(passes, 2, 'one pass, then one more for the whole burst');
  assert.equal(afters, 1);
  await reload.run();
  assert.equal(passes, 3, 'a later call reloads again');
});

test('a failing pass is reported and the views still update', async () => {
  const errors: unknown[] = [];
  let afters = 0;
  const reload = new CoalescingReload(
    () => Promise.reject(new Error('disk gone')),
    (e) => errors.push(e),
    () => afters++,
  );
  await reload.run();
  assert.equal(errors.length, 1);
  assert.equal(afters, 1);
});
