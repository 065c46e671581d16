// Reading the config file: only a regular file of at most 1 MiB, so a device (/dev/zero), a FIFO
// or a huge file can neither fill the memory nor block the run.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

export const MAX_CONFIG_BYTES = 1024 * 1024;

const OPEN_PROBLEMS: Record<string, string> = {
  ENOENT: 'does not exist',
  EACCES: 'cannot be read (permission denied)',
  EPERM: 'cannot be read (permission denied)',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'is not a file (a part of its path is not a directory)',
  ELOOP: 'is a loop of symbolic links',
  ENAMETOOLONG: 'has a name too long',
};

/** The config file's text, or one line saying why it cannot be used. */
export function readConfigText(path: string): { ok: true; text: string } | { ok: false; error: string } {
  const fail = (why: string) => ({ ok: false as const, error: `config: ${path} ${why}` });
  let fd: number;
  try {
    // Non-blocking, so that opening a FIFO returns at once (it is then refused below).
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = String((error as NodeJS.ErrnoException).code ?? 'error');
    return fail(Object.hasOwn(OPEN_PROBLEMS, code) ? (OPEN_PROBLEMS[code] as string) : `cannot be read (${code})`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return fail('is a directory, not a file');
    if (!stat.isFile()) return fail('is not a regular file (a device, FIFO or socket)');
    if (stat.size > MAX_CONFIG_BYTES) return fail(`is larger than 1 MiB (${stat.size} bytes)`);
    // One byte more than allowed tells a file that grew since fstat.
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    for (let read = -1; read !== 0 && length < buffer.length; length += read) {
      read = readSync(fd, buffer, length, buffer.length - length, null);
    }
    if (length > MAX_CONFIG_BYTES) return fail('is larger than 1 MiB');
    try {
      return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(buffer.subarray(0, length)) };
    } catch {
      return fail('is not UTF-8 text');
    }
  } catch (error) {
    return fail(`cannot be read (${String((error as NodeJS.ErrnoException).code ?? 'error')})`);
  } finally {
    closeSync(fd);
  }
}
