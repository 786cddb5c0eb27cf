import type { ImageInput } from '../../protocol/messages';

/**
 * A content key for an image (FNV-1a over its bytes and size), so a re-run on the same picture skips the vision pass.
 */
export function imageKey(image: ImageInput): string {
  const bytes =
    image.kind === 'encoded'
      ? new Uint8Array(image.bytes)
      : new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i];
    hash = Math.imul(hash, 0x01000193);
  }
  const shape = image.kind === 'encoded' ? image.mime : `${image.width}x${image.height}`;
  return `${shape}:${bytes.length}:${(hash >>> 0).toString(16)}`;
}
