/**
 * Enfyra corrects the name and type of a buffer upload from its first bytes
 * (modules/file-management/utils/file-signature.helper.ts): a PNG sent as
 * "photo.jpg"/"image/jpeg" is stored as "photo.png"/"image/png".
 */
import path from 'node:path';

interface Signature {
  extension: string;
  mimetype: string;
}

const ISO_BRANDS: Record<string, Signature> = {
  avif: { extension: 'avif', mimetype: 'image/avif' },
  avis: { extension: 'avif', mimetype: 'image/avif' },
  heic: { extension: 'heic', mimetype: 'image/heic' },
  heix: { extension: 'heic', mimetype: 'image/heic' },
  hevc: { extension: 'heic', mimetype: 'image/heic' },
  hevx: { extension: 'heic', mimetype: 'image/heic' },
  mif1: { extension: 'heif', mimetype: 'image/heif' },
  msf1: { extension: 'heif', mimetype: 'image/heif' },
  'qt  ': { extension: 'mov', mimetype: 'video/quicktime' },
  isom: { extension: 'mp4', mimetype: 'video/mp4' },
  iso2: { extension: 'mp4', mimetype: 'video/mp4' },
  mp41: { extension: 'mp4', mimetype: 'video/mp4' },
  mp42: { extension: 'mp4', mimetype: 'video/mp4' },
  'm4v ': { extension: 'mp4', mimetype: 'video/mp4' },
};

export function detectSignature(b: Buffer): Signature | null {
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return { extension: 'png', mimetype: 'image/png' };
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { extension: 'jpg', mimetype: 'image/jpeg' };
  const ascii = b.subarray(0, Math.min(b.length, 32)).toString('ascii');
  if (ascii.startsWith('GIF87a') || ascii.startsWith('GIF89a')) return { extension: 'gif', mimetype: 'image/gif' };
  if (b.length >= 12 && b.subarray(0, 4).toString('ascii') === 'RIFF' && b.subarray(8, 12).toString('ascii') === 'WEBP') return { extension: 'webp', mimetype: 'image/webp' };
  if (b.length >= 12 && b.subarray(4, 8).toString('ascii') === 'ftyp') {
    const brand = ISO_BRANDS[b.subarray(8, 12).toString('ascii').toLowerCase()];
    if (brand) return brand;
  }
  if (ascii.startsWith('%PDF-')) return { extension: 'pdf', mimetype: 'application/pdf' };
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return { extension: 'webm', mimetype: 'video/webm' };
  return null;
}

export function normalizeUploadMetadata(filename: string, mimetype: string, buffer?: Buffer): { filename: string; mimetype: string } {
  const detected = buffer ? detectSignature(buffer) : null;
  if (!detected) return { filename, mimetype };
  const ext = path.extname(filename);
  return { filename: `${ext ? filename.slice(0, -ext.length) : filename}.${detected.extension}`, mimetype: detected.mimetype };
}
