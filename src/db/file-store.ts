import { randomUUID } from 'node:crypto';
import type { Db } from './knex';

/**
 * Finished job files, stored in PostgreSQL as numbered bytea chunks with an expiry, so any web
 * dyno can stream any file and none keeps one on its own (temporary) disk. Writing and reading
 * hold at most one chunk in memory, whatever the file's size.
 */

export const CHUNK_BYTES = 256 * 1024;

export interface StoredFile {
  id: string;
  run_id: string | null;
  user_id: number;
  file_name: string;
  content_type: string;
  byte_size: number;
  chunk_count: number;
  expires_at: Date;
}

export interface NewFile {
  runId: string | null;
  userId: number;
  fileName: string;
  contentType: string;
  expiresAt: Date;
}

/**
 * Appends text to a new file. Give it the transaction that produces the rows: the file is then
 * complete exactly when that transaction commits, and nothing of it exists if it rolls back.
 */
export class FileWriter {
  private parts: Buffer[] = [];
  private buffered = 0;
  private seq = 0;
  private size = 0;

  private constructor(private readonly db: Db, readonly id: string) {}

  static async create(db: Db, meta: NewFile): Promise<FileWriter> {
    const id = randomUUID();
    await db('job_files').insert({ id, run_id: meta.runId, user_id: meta.userId, file_name: meta.fileName, content_type: meta.contentType, expires_at: meta.expiresAt });
    return new FileWriter(db, id);
  }

  async write(text: string): Promise<void> {
    const bytes = Buffer.from(text, 'utf8');
    this.parts.push(bytes);
    this.buffered += bytes.length;
    if (this.buffered >= CHUNK_BYTES) await this.flush();
  }

  async finish(): Promise<StoredFile> {
    await this.flush();
    const [row] = await this.db('job_files').where({ id: this.id }).update({ byte_size: this.size, chunk_count: this.seq }).returning('*');
    return row as StoredFile;
  }

  private async flush(): Promise<void> {
    if (this.buffered === 0) return;
    const data = Buffer.concat(this.parts, this.buffered);
    this.parts = [];
    this.buffered = 0;
    await this.db('job_file_chunks').insert({ file_id: this.id, seq: this.seq, data });
    this.seq += 1;
    this.size += data.length;
  }
}

export async function findFile(db: Db, id: string): Promise<StoredFile | undefined> {
  return db<StoredFile>('job_files').where({ id }).where('expires_at', '>', db.fn.now()).first();
}

/** The file's bytes, one chunk per query, in order. */
export async function* readFileChunks(db: Db, file: Pick<StoredFile, 'id' | 'chunk_count'>): AsyncGenerator<Buffer> {
  for (let seq = 0; seq < file.chunk_count; seq++) {
    const row = await db('job_file_chunks').select('data').where({ file_id: file.id, seq }).first();
    if (!row) throw new Error(`File ${file.id} is missing chunk ${seq}`);
    yield (row as { data: Buffer }).data;
  }
}
