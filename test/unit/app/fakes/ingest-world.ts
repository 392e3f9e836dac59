/** The ingest use case wired to in-memory ports, and the upload fixtures it reads. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestDeps } from '../../../../shared/app/ingest-upload.ts';
import { uploadTestConfig } from '../../../fixtures/uploads/config.ts';
import {
  FixedClock,
  MemoryFactStore,
  MemoryMailLedger,
  MemoryObjectStore,
  MemoryUploadLedger,
  RecordingMailer,
} from './memory-ports.ts';

/** The bytes of a file in test/fixtures/uploads/files. */
export function uploadFixture(file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(import.meta.dirname, '../../../fixtures/uploads/files', file)));
}

/** Fresh in-memory ports and the IngestDeps over them (upload test configuration). */
export function ingestWorld() {
  const world = {
    objects: new MemoryObjectStore(),
    facts: new MemoryFactStore(),
    uploads: new MemoryUploadLedger(),
    mailer: new RecordingMailer(),
    mails: new MemoryMailLedger(),
    clock: new FixedClock(),
  };
  const deps: IngestDeps = { config: uploadTestConfig, ...world };
  return { ...world, deps };
}
