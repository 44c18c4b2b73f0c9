import { PNG } from 'pngjs';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Decodes a PNG whole (pngjs checks every chunk's CRC and inflates the pixels); throws if it is not one. */
export function decodePng(bytes: Buffer): { width: number; height: number; signature: boolean; pixels: Buffer } {
  const image = PNG.sync.read(bytes);
  return { width: image.width, height: image.height, signature: bytes.subarray(0, 8).equals(SIGNATURE), pixels: image.data };
}

/** How many distinct colours the image holds: a blank picture has one, a chart many. */
export function colourCount(pixels: Buffer): number {
  const seen = new Set<number>();
  for (let i = 0; i < pixels.length; i += 4) seen.add(pixels.readUInt32BE(i));
  return seen.size;
}
