import type { FileHandle } from 'node:fs/promises';

/** Reads `length` bytes at `position` (fewer at the end of the file). */
export async function readBytes(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await file.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === length ? buf : buf.subarray(0, got);
}

/** Index just past the last non-whitespace byte of `buf` before `end`. */
export function trimEnd(buf: Buffer, end = buf.length): number {
  let i = end;
  while (i > 0 && (buf[i - 1] === 0x20 || buf[i - 1] === 0x0a || buf[i - 1] === 0x0d || buf[i - 1] === 0x09)) i--;
  return i;
}

/**
 * Reads the file's tail, growing it (up to the whole file) until `find` locates what it
 * needs. `find` gets the tail and its offset in the file, and returns a result or undefined.
 */
export async function searchTail<T>(file: FileHandle, size: number, find: (tail: Buffer, offset: number, whole: boolean) => T | undefined): Promise<T | undefined> {
  let chunk = 64 * 1024;
  for (;;) {
    const start = Math.max(0, size - chunk);
    const tail = await readBytes(file, start, size - start);
    const r = find(tail, start, start === 0);
    if (r !== undefined || start === 0) return r;
    chunk *= 4;
  }
}
