/**
 * One local stack per emulator data folder: dynalite's LevelDB admits a single process, and a
 * second one dies inside dynalite with "Database is closed". So `npm start` claims the folder
 * first and a second start is told who holds it. A holder that died (kill -9, power cut) leaves
 * a pid that no longer runs, and the folder is taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const LOCK_FILE = 'in-use-by.pid';

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`the emulator data in ${dataDir} is in use by another npm start or serve (pid ${pid})`);
    this.name = 'DataDirInUseError';
  }
}

/** The pid holding `dataDir`, or null when none (or when it no longer runs). */
export function dataDirHolder(dataDir: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(dataDir, LOCK_FILE), 'utf8').trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as { code?: string }).code === 'EPERM' ? pid : null;
  }
}

/** Fails with {@link DataDirInUseError} when another live process holds `dataDir`. */
export function assertDataDirFree(dataDir: string): void {
  const holder = dataDirHolder(dataDir);
  if (holder !== null) throw new DataDirInUseError(dataDir, holder);
}

/** Claims `dataDir` for this process until `release()` (or the process exits). */
export function claimDataDir(dataDir: string): { release(): void } {
  assertDataDirFree(dataDir);
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  writeFileSync(file, `${process.pid}\n`);
  const release = () => {
    process.off('exit', release);
    if (dataDirHolder(dataDir) === process.pid) rmSync(file, { force: true });
  };
  process.on('exit', release);
  return { release };
}
