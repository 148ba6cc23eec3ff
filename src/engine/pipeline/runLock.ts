/**
 * One writer per run folder. A process that writes a run (the CLI's `generate`, the extension's
 * generation, the review editor while it saves) holds `run.lock`: a file created exclusively
 * (`O_CREAT | O_EXCL`, atomic on local file systems) holding who holds it. A second process is refused
 * with the holder named. A lock whose holder is dead (same host, pid gone) is taken over; a lock from
 * another host is never taken over silently (its pid means nothing here).
 *
 * Why not `proper-lockfile`: it detects staleness by mtime and needs a timer refreshing the lock every
 * few seconds, made for network file systems; a run folder is local and the holder's pid answers
 * "is it alive" exactly, with nothing to refresh. The whole lock is this file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const LOCK_FILE = 'run.lock';

export interface RunLockHolder {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  startedAt: string;
  /** What holds it: `toolflow generate`, `VS Code`, `review editor`... */
  owner: string;
}

/** Thrown when another live process holds the run's lock. */
export class RunLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly holder: RunLockHolder,
  ) {
    super(`${dir} is being written by ${describeHolder(holder)}; wait for it to finish or cancel it (a lock whose process has died is taken over)`);
    this.name = 'RunLockedError';
  }
}

export function describeHolder(h: RunLockHolder): string {
  return `${h.owner} (pid ${h.pid} on ${h.host}, since ${h.startedAt})`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseHolder(text: string): RunLockHolder | undefined {
  try {
    const v = JSON.parse(text) as Partial<RunLockHolder>;
    if (typeof v.pid === 'number' && typeof v.host === 'string') {
      return { pid: v.pid, host: v.host, startedAt: typeof v.startedAt === 'string' ? v.startedAt : '?', owner: typeof v.owner === 'string' ? v.owner : 'another process' };
    }
  } catch {
    /* torn or foreign file */
  }
  return undefined;
}

/**
 * The live holder of the run's lock, or undefined when the run is not locked (no lock file, or one
 * left by a process of this host that has died).
 */
export function readRunLock(dir: string): RunLockHolder | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const holder = parseHolder(text);
  if (!holder) return undefined;
  if (holder.host === os.hostname() && !isAlive(holder.pid)) return undefined;
  return holder;
}

export interface RunLock {
  readonly holder: RunLockHolder;
  /** The dead holder whose lock was taken over, when one was. */
  readonly tookOver?: RunLockHolder;
  /** Removes the lock file (only if it is still ours). Idempotent. */
  release(): void;
}

/** Takes the run's lock or throws `RunLockedError`. The folder must exist. */
export function acquireRunLock(dir: string, owner: string): RunLock {
  const file = path.join(dir, LOCK_FILE);
  const holder: RunLockHolder = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), owner };
  const text = JSON.stringify(holder) + '\n';
  let tookOver: RunLockHolder | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, text, { flag: 'wx' });
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        try {
          const now = parseHolder(fs.readFileSync(file, 'utf8'));
          if (now && now.pid === holder.pid && now.host === holder.host && now.startedAt === holder.startedAt) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return { holder, ...(tookOver ? { tookOver } : {}), release: () => { process.removeListener('exit', release); release(); } };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let existing: RunLockHolder | undefined;
    try {
      existing = parseHolder(fs.readFileSync(file, 'utf8'));
    } catch {
      continue; // removed meanwhile: try again
    }
    if (existing && !(existing.host === os.hostname() && !isAlive(existing.pid))) throw new RunLockedError(dir, existing);
    // Dead holder (or an unreadable lock file): take it over. Move it aside first; if what we moved
    // is not the dead holder's lock (another process took it over in between and holds it now), put
    // it back with an exclusive link and give way.
    tookOver = existing;
    const stale = `${file}.stale.${process.pid}`;
    try {
      fs.renameSync(file, stale);
    } catch {
      continue; // someone else moved it: try again
    }
    const moved = (() => {
      try {
        return parseHolder(fs.readFileSync(stale, 'utf8'));
      } catch {
        return undefined;
      }
    })();
    if (moved && existing && (moved.pid !== existing.pid || moved.startedAt !== existing.startedAt) && !(moved.host === os.hostname() && !isAlive(moved.pid))) {
      try {
        fs.linkSync(stale, file);
      } catch {
        /* a third process holds it now */
      }
      fs.rmSync(stale, { force: true });
      throw new RunLockedError(dir, moved);
    }
    fs.rmSync(stale, { force: true });
  }
  const now = readRunLock(dir);
  if (now) throw new RunLockedError(dir, now);
  throw new Error(`could not take the lock ${file}; remove it if no process is writing this run`);
}
