import { deflateSync, inflateSync } from 'node:zlib';

/** An 8-bit RGBA image, row by row, four bytes a pixel. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array;
}

export interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
  readonly colorType: number;
  readonly interlace: number;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(typeAndData.length + 8);
  out.writeUInt32BE(data.length, 0);
  typeAndData.copy(out, 4);
  out.writeUInt32BE(crc32(typeAndData), out.length - 4);
  return out;
}

export type PngFilter = 0 | 1 | 2 | 3 | 4;

/** Encodes an RGBA image as a non-interlaced 8-bit RGBA PNG, every row with `filter` (default 0, none). */
export function encodePng(image: RgbaImage, filter: PngFilter = 0): Buffer {
  const { width, height, rgba } = image;
  if (rgba.length !== width * height * 4) throw new Error('encodePng: pixel data does not match the size');
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(6, 9); // RGBA
  // compression, filter and interlace methods stay 0
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = filter;
    for (let x = 0; x < stride; x++) {
      const at = y * stride + x;
      const predicted = predict(
        filter,
        x >= 4 ? (rgba[at - 4] ?? 0) : 0,
        y > 0 ? (rgba[at - stride] ?? 0) : 0,
        x >= 4 && y > 0 ? (rgba[at - stride - 4] ?? 0) : 0,
      );
      raw[y * (stride + 1) + 1 + x] = ((rgba[at] ?? 0) - predicted) & 0xff;
    }
  }
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

// The PNG row filters' predictions from the left (a), upper (b) and upper-left (c) bytes.
function predict(filter: number, a: number, b: number, c: number): number {
  switch (filter) {
    case 0:
      return 0;
    case 1:
      return a;
    case 2:
      return b;
    case 3:
      return (a + b) >> 1;
    case 4: {
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
    default:
      throw new Error(`unknown PNG filter type ${filter}`);
  }
}

/** Reads the IHDR chunk, which the PNG format puts first; throws when the bytes are not a PNG. */
export function readPngHeader(bytes: Uint8Array): PngHeader {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < 33 || !buffer.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file');
  if (buffer.toString('latin1', 12, 16) !== 'IHDR') throw new Error('PNG without an IHDR chunk first');
  return {
    width: buffer.readUInt32BE(16),
    height: buffer.readUInt32BE(20),
    bitDepth: buffer.readUInt8(24),
    colorType: buffer.readUInt8(25),
    interlace: buffer.readUInt8(28),
  };
}

const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Decodes a non-interlaced 8-bit PNG (grey, RGB, palette, grey + alpha or RGBA; every row filter) into RGBA.
 * Enough to check an icon's pixels (a grey or RGB colour key in tRNS is not applied); other PNGs are refused
 * with the reason.
 */
export function decodePng(bytes: Uint8Array): RgbaImage {
  const header = readPngHeader(bytes);
  const channels = CHANNELS[header.colorType];
  if (header.bitDepth !== 8 || channels === undefined) {
    throw new Error(`unsupported PNG: bit depth ${header.bitDepth}, colour type ${header.colorType}`);
  }
  if (header.interlace !== 0) throw new Error('unsupported PNG: interlaced');

  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const idat: Buffer[] = [];
  let palette: Buffer | undefined;
  let transparency: Buffer | undefined;
  for (let at = 8; at + 8 <= buffer.length;) {
    const length = buffer.readUInt32BE(at);
    const type = buffer.toString('latin1', at + 4, at + 8);
    const data = buffer.subarray(at + 8, at + 8 + length);
    if (type === 'IDAT') idat.push(data);
    else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') transparency = data;
    else if (type === 'IEND') break;
    at += length + 12;
  }
  if (header.colorType === 3 && palette === undefined) throw new Error('palette PNG without a PLTE chunk');

  const { width, height } = header;
  const stride = width * channels;
  const raw = inflateSync(Buffer.concat(idat));
  if (raw.length < (stride + 1) * height) throw new Error('PNG image data is shorter than its size says');

  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const source = y * (stride + 1) + 1;
    const row = y * stride;
    if (filter === undefined || filter > 4)
      throw new Error(`PNG row ${y} has an unknown filter type ${String(filter)}`);
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? (pixels[row + x - channels] ?? 0) : 0;
      const b = y > 0 ? (pixels[row - stride + x] ?? 0) : 0;
      const c = x >= channels && y > 0 ? (pixels[row - stride + x - channels] ?? 0) : 0;
      pixels[row + x] = ((raw[source + x] ?? 0) + predict(filter, a, b, c)) & 0xff;
    }
  }

  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const p = i * channels;
    let r: number, g: number, b: number, alpha: number;
    switch (header.colorType) {
      case 0:
        r = g = b = pixels[p] ?? 0;
        alpha = 255;
        break;
      case 4:
        r = g = b = pixels[p] ?? 0;
        alpha = pixels[p + 1] ?? 0;
        break;
      case 2:
        [r, g, b, alpha] = [pixels[p] ?? 0, pixels[p + 1] ?? 0, pixels[p + 2] ?? 0, 255];
        break;
      case 3: {
        const index = pixels[p] ?? 0;
        [r, g, b] = [palette?.[index * 3] ?? 0, palette?.[index * 3 + 1] ?? 0, palette?.[index * 3 + 2] ?? 0];
        alpha = transparency?.[index] ?? 255;
        break;
      }
      default:
        [r, g, b, alpha] = [pixels[p] ?? 0, pixels[p + 1] ?? 0, pixels[p + 2] ?? 0, pixels[p + 3] ?? 0];
    }
    rgba.set([r, g, b, alpha], i * 4);
  }
  return { width, height, rgba };
}
