import { crc32, inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Decodes a PNG far enough to know it is whole: the signature, every chunk's CRC, the header, and the image data
 * inflated to exactly one filtered row per line of the stated size. Throws on anything else.
 */
export function decodePng(png: Buffer): { width: number; height: number; colourType: number } {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG signature');
  let at = 8;
  let header: { width: number; height: number; bitDepth: number; colourType: number } | undefined;
  const data: Buffer[] = [];
  let ended = false;
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString('latin1');
    const body = png.subarray(at + 8, at + 8 + length);
    if (crc32(png.subarray(at + 4, at + 8 + length)) !== png.readUInt32BE(at + 8 + length))
      throw new Error(`bad CRC in ${type}`);
    if (type === 'IHDR')
      header = {
        width: body.readUInt32BE(0),
        height: body.readUInt32BE(4),
        bitDepth: body[8] ?? 0,
        colourType: body[9] ?? 0,
      };
    if (type === 'IDAT') data.push(body);
    if (type === 'IEND') ended = true;
    at += 12 + length;
  }
  if (!header || !ended || data.length === 0) throw new Error('missing IHDR, IDAT or IEND');
  const pixels = inflateSync(Buffer.concat(data));
  const rowBytes = Math.ceil((header.width * (CHANNELS[header.colourType] ?? 0) * header.bitDepth) / 8);
  if (pixels.length !== header.height * (1 + rowBytes)) throw new Error('image data does not fill the stated size');
  return { width: header.width, height: header.height, colourType: header.colourType };
}
