import type { RequestHandler } from 'express';
import multer from 'multer';
import { ApiError } from './errors';

/**
 * A CSV sent as a multipart/form-data file upload (any one file field), read into memory up to
 * `maxBytes` and handed on as `req.body = { [field]: text }`, so the route validates it exactly
 * as the JSON field. multer (busboy underneath) bounds the file's size and the number of parts.
 */
export function csvUpload(field: string, maxBytes: number): RequestHandler {
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: maxBytes, files: 1, fields: 10, parts: 11 } }).any();
  return (req, res, next) => {
    if (!req.is('multipart/form-data')) {
      next();
      return;
    }
    upload(req, res, (err: unknown) => {
      if (err) {
        const code = (err as { code?: string }).code;
        next(code === 'LIMIT_FILE_SIZE'
          ? new ApiError(413, `The uploaded file is too large (maximum is ${Math.round(maxBytes / 1_048_576)} MB)`)
          : new ApiError(400, `The multipart upload could not be read (${(err as Error).message})`));
        return;
      }
      const file = (req.files as Express.Multer.File[] | undefined)?.[0];
      req.body = file ? { [field]: file.buffer.toString('utf8') } : {};
      next();
    });
  };
}
