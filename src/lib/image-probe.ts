import { crc32, inflateSync } from 'node:zlib';

/**
 * What an uploaded raster image is, read from its bytes alone (never from what the client says),
 * and whether it is whole: a PNG's chunks and checksums and the exact size of its inflated pixel
 * data; a JPEG's marker structure up to its end marker. No pixel is decoded to memory beyond the
 * PNG's inflate, which is bounded by the size the header announces.
 */
export type ImageKind = 'png' | 'jpeg';

export interface ProbedImage {
  kind: ImageKind;
  width: number;
  height: number;
}

export type ImageProbe = { ok: true; image: ProbedImage } | { ok: false; problem: string };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Channels per colour type, and the bit depths each allows (PNG specification, table 11.1). */
const PNG_COLOUR_TYPES: Record<number, { channels: number; depths: readonly number[] }> = {
  0: { channels: 1, depths: [1, 2, 4, 8, 16] },
  2: { channels: 3, depths: [8, 16] },
  3: { channels: 1, depths: [1, 2, 4, 8] },
  4: { channels: 2, depths: [8, 16] },
  6: { channels: 4, depths: [8, 16] },
};

/** Adam7's passes: x start, y start, x step, y step. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;

const bad = (problem: string): ImageProbe => ({ ok: false, problem });

export function probeImage(bytes: Buffer): ImageProbe {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return probePng(bytes);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return probeJpeg(bytes);
  return bad('is neither a PNG nor a JPEG image');
}

function inflatedPngSize(width: number, height: number, bitsPerPixel: number, interlaced: boolean): number {
  const rowBytes = (w: number) => 1 + Math.ceil((w * bitsPerPixel) / 8); // a filter byte, then the row
  if (!interlaced) return height * rowBytes(width);
  let total = 0;
  for (const [xs, ys, dx, dy] of ADAM7) {
    const w = width > xs ? Math.ceil((width - xs) / dx) : 0;
    const h = height > ys ? Math.ceil((height - ys) / dy) : 0;
    if (w > 0 && h > 0) total += h * rowBytes(w);
  }
  return total;
}

function probePng(bytes: Buffer): ImageProbe {
  let at = 8;
  let header: { width: number; height: number; bitsPerPixel: number; interlaced: boolean; paletted: boolean } | undefined;
  let palette = false;
  const data: Buffer[] = [];
  for (;;) {
    if (at + 12 > bytes.length) return bad('is a truncated PNG (it ends before its IEND chunk)');
    const length = bytes.readUInt32BE(at);
    if (at + 12 + length > bytes.length) return bad('is a truncated PNG (a chunk runs past the end)');
    const type = bytes.toString('latin1', at + 4, at + 8);
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== bytes.readUInt32BE(at + 8 + length)) return bad(`is a corrupt PNG (the ${type} chunk's checksum does not match)`);
    at += 12 + length;
    if (!header) {
      if (type !== 'IHDR' || length !== 13) return bad('is a corrupt PNG (it does not start with its IHDR chunk)');
      const colour = PNG_COLOUR_TYPES[body[9] as number];
      const depth = body[8] as number;
      if (!colour || !colour.depths.includes(depth) || body[10] !== 0 || body[11] !== 0 || (body[12] as number) > 1) return bad('is a corrupt PNG (its header names an unknown format)');
      header = { width: body.readUInt32BE(0), height: body.readUInt32BE(4), bitsPerPixel: colour.channels * depth, interlaced: body[12] === 1, paletted: body[9] === 3 };
      continue;
    }
    if (type === 'PLTE') palette = true;
    else if (type === 'IDAT') data.push(body);
    else if (type === 'IEND') break;
  }
  if (header.width === 0 || header.height === 0) return bad('is a corrupt PNG (it has no pixels)');
  if (header.paletted && !palette) return bad('is a corrupt PNG (a palette image without its palette)');
  if (data.length === 0) return bad('is a corrupt PNG (it has no image data)');
  const expected = inflatedPngSize(header.width, header.height, header.bitsPerPixel, header.interlaced);
  let pixels: Buffer;
  try {
    // Bounded by what the header announces: a small file that inflates to gigabytes stops here.
    pixels = inflateSync(Buffer.concat(data), { maxOutputLength: expected });
  } catch {
    return bad('is a corrupt PNG (its image data does not inflate to the size its header announces)');
  }
  if (pixels.length !== expected) return bad('is a corrupt PNG (its image data is shorter than its header announces)');
  return { ok: true, image: { kind: 'png', width: header.width, height: header.height } };
}

/** SOF markers that a browser and the rasteriser decode: baseline, extended and progressive Huffman. */
const DECODABLE_FRAMES = new Set([0xc0, 0xc1, 0xc2]);
const isFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

function probeJpeg(bytes: Buffer): ImageProbe {
  let at = 2;
  let size: { width: number; height: number } | undefined;
  let scans = 0;
  while (at + 1 < bytes.length) {
    if (bytes[at] !== 0xff) return bad('is a corrupt JPEG (a marker was expected)');
    const marker = bytes[at + 1] as number;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd9) {
      if (!size || scans === 0) return bad('is a corrupt JPEG (it ends before its image data)');
      return { ok: true, image: { kind: 'jpeg', ...size } };
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (at + 4 > bytes.length) break;
    const length = bytes.readUInt16BE(at + 2);
    if (length < 2 || at + 2 + length > bytes.length) break;
    if (isFrame(marker)) {
      if (!DECODABLE_FRAMES.has(marker)) return bad('is a JPEG of a kind not supported here (use baseline or progressive)');
      if (length < 8) return bad('is a corrupt JPEG (its frame header is too short)');
      size = { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
      if (size.width === 0 || size.height === 0) return bad('is a corrupt JPEG (it has no pixels)');
    }
    at += 2 + length;
    if (marker === 0xda) {
      if (!size) return bad('is a corrupt JPEG (image data before its frame header)');
      scans += 1;
      // Entropy-coded data runs to the next marker that is neither a stuffed 0xFF00 nor a restart.
      while (at + 1 < bytes.length && !(bytes[at] === 0xff && bytes[at + 1] !== 0x00 && !((bytes[at + 1] as number) >= 0xd0 && (bytes[at + 1] as number) <= 0xd7))) at += 1;
    }
  }
  return bad('is a truncated JPEG (it ends before its end marker)');
}
