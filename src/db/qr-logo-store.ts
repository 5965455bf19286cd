import type { Db } from './knex';

export type QrLogoType = 'image/png' | 'image/jpeg';

export interface QrLogoRow {
  user_id: number;
  content_type: QrLogoType;
  image: Buffer;
  width: number;
  height: number;
  updated_at: Date;
}

export type QrLogoFields = Pick<QrLogoRow, 'content_type' | 'image' | 'width' | 'height'>;

export async function findQrLogo(db: Db, userId: number): Promise<QrLogoRow | undefined> {
  return db<QrLogoRow>('qr_logos').where({ user_id: userId }).first();
}

/** The account's one logo, replaced whole. */
export async function saveQrLogo(db: Db, userId: number, fields: QrLogoFields): Promise<QrLogoRow> {
  const [row] = await db<QrLogoRow>('qr_logos')
    .insert({ user_id: userId, ...fields })
    .onConflict('user_id')
    .merge({ ...fields, updated_at: db.fn.now() as unknown as Date })
    .returning('*');
  return row as QrLogoRow;
}

export async function deleteQrLogo(db: Db, userId: number): Promise<boolean> {
  return (await db('qr_logos').where({ user_id: userId }).delete()) > 0;
}
