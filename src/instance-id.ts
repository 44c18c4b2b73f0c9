import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * hostname/pid/random: unique per process even when two share a host and a pid namespace. The instance
 * lease's holder and the journal's runner claims go by it.
 */
export function processHolderId(): string {
  return `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
}
