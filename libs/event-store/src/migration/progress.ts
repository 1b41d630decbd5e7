import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { EventStoreError, EventStoreErrorCode } from '../errors';

/** What a migration has done so far, saved after every page so that a re-run continues from it. */
export interface MigrationCheckpoint {
  /** Identity of the source and target (redacted locations): a record is only reused for the same pair. */
  source: string;
  target: string;
  /** Source position of the last event copied (null: none yet). */
  position: string | null;
  /** Events copied over all runs. */
  copied: number;
  startedAt: string;
  updatedAt: string;
  finished: boolean;
}

export interface MigrationProgressStore {
  load(): Promise<MigrationCheckpoint | null>;
  save(checkpoint: MigrationCheckpoint): Promise<void>;
}

/** The checkpoint as a JSON file, replaced atomically (write then rename) so a crash never leaves half a record. */
export class FileMigrationProgress implements MigrationProgressStore {
  constructor(readonly path: string) {}

  async load(): Promise<MigrationCheckpoint | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const parsed = JSON.parse(text) as Partial<MigrationCheckpoint>;
    if (
      typeof parsed.source !== 'string' ||
      typeof parsed.target !== 'string' ||
      !(parsed.position === null || typeof parsed.position === 'string') ||
      !Number.isSafeInteger(parsed.copied)
    ) {
      throw new EventStoreError(EventStoreErrorCode.InvalidArgument, `Migration progress file ${this.path} is not a migration record`);
    }
    return parsed as MigrationCheckpoint;
  }

  async save(checkpoint: MigrationCheckpoint): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(checkpoint, null, 2)}\n`, 'utf8');
    await rename(tmp, this.path);
  }
}

/** Keeps the checkpoint in memory (tests, and dry runs). */
export class MemoryMigrationProgress implements MigrationProgressStore {
  checkpoint: MigrationCheckpoint | null = null;
  load(): Promise<MigrationCheckpoint | null> {
    return Promise.resolve(this.checkpoint && { ...this.checkpoint });
  }
  save(checkpoint: MigrationCheckpoint): Promise<void> {
    this.checkpoint = { ...checkpoint };
    return Promise.resolve();
  }
}

export interface MigrationProgress {
  phase: 'counting' | 'copying' | 'done';
  /** Events copied over all runs (the bar's value). */
  done: number;
  /** Events in the source (null while counting). */
  total: number | null;
  /** Copy rate of this run. */
  eventsPerSecond: number;
  /** Estimated seconds left (null when unknown). */
  etaSeconds: number | null;
}

/** Rate and ETA from this run's figures (events copied before the run do not count in the rate). */
export function migrationProgress(
  phase: MigrationProgress['phase'],
  done: number,
  total: number | null,
  doneAtRunStart: number,
  elapsedMs: number,
): MigrationProgress {
  const thisRun = Math.max(0, done - doneAtRunStart);
  const eventsPerSecond = elapsedMs > 0 ? (thisRun * 1000) / elapsedMs : 0;
  const left = total === null ? null : Math.max(0, total - done);
  const etaSeconds = left === null ? null : left === 0 ? 0 : eventsPerSecond > 0 ? left / eventsPerSecond : null;
  return { phase, done, total, eventsPerSecond, etaSeconds };
}

/** One line for logs when there is no terminal for a bar (French: it is shown to operators). */
export function formatMigrationProgress(p: MigrationProgress): string {
  const total = p.total === null ? '?' : String(p.total);
  const eta = p.etaSeconds === null ? '—' : `${Math.ceil(p.etaSeconds)} s`;
  return `migration ${p.phase === 'counting' ? 'comptage' : p.phase === 'done' ? 'terminée' : 'copie'} : ${p.done}/${total} événements, ${Math.round(p.eventsPerSecond)} év./s, reste ${eta}`;
}
