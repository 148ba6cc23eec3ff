/** run.lock: one writer per run folder; the holder named; dead holders taken over; other hosts respected. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acquireRunLock, LOCK_FILE, readRunLock, RunLockedError, type RunLockHolder } from '../../../src/engine/pipeline/runLock';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'toolflow-runlock-'));

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

test('the lock file names its holder; a second writer is refused with the holder named; release frees it', () => {
  const dir = tmp();
  const lock = acquireRunLock(dir, 'toolflow generate');
  const onDisk = JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as RunLockHolder;
  assert.deepEqual(onDisk, lock.holder);
  assert.equal(onDisk.pid, process.pid);
  assert.equal(onDisk.host, os.hostname());
  assert.deepEqual(readRunLock(dir), lock.holder);
  assert.throws(
    () => acquireRunLock(dir, 'VS Code'),
    (e: unknown) => e instanceof RunLockedError && e.holder.pid === process.pid && /being written by toolflow generate \(pid \d+ on .+, since \d{4}-/.test(e.message),
  );
  lock.release();
  lock.release(); // idempotent
  assert.ok(!fs.existsSync(path.join(dir, LOCK_FILE)));
  assert.equal(readRunLock(dir), undefined);
  acquireRunLock(dir, 'VS Code').release();
});

test('a lock left by a dead process of this host is not "locked" and is taken over', () => {
  const dir = tmp();
  const stale: RunLockHolder = { pid: deadPid(), host: os.hostname(), startedAt: '2026-01-01T00:00:00.000Z', owner: 'toolflow generate' };
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(stale));
  assert.equal(readRunLock(dir), undefined, 'the Runs view does not show it as running');
  const lock = acquireRunLock(dir, 'VS Code');
  assert.deepEqual(lock.tookOver, stale);
  assert.equal(readRunLock(dir)?.pid, process.pid);
  lock.release();
});

test('a torn or foreign lock file is taken over; a lock from another host never is', () => {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, LOCK_FILE), '{"pid": 12');
  const lock = acquireRunLock(dir, 'toolflow generate');
  assert.equal(readRunLock(dir)?.pid, process.pid);
  lock.release();
  const remote: RunLockHolder = { pid: deadPid(), host: `${os.hostname()}-elsewhere`, startedAt: '2026-01-01T00:00:00.000Z', owner: 'VS Code' };
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(remote));
  assert.deepEqual(readRunLock(dir), remote, 'its pid means nothing here: still locked');
  assert.throws(() => acquireRunLock(dir, 'toolflow generate'), RunLockedError);
});

test('release removes only its own lock (not one another process took over since)', () => {
  const dir = tmp();
  const lock = acquireRunLock(dir, 'toolflow generate');
  const other: RunLockHolder = { pid: process.pid, host: os.hostname(), startedAt: '2099-01-01T00:00:00.000Z', owner: 'VS Code' };
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(other));
  lock.release();
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')), other);
});
