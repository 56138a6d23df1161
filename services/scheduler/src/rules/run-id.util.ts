import { createHash } from 'node:crypto';

/**
 * The id of the run of one schedule at one occurrence: a UUID derived from both, so every
 * replica that plans the same occurrence names the same run and the queue (which refuses
 * a second job with the same id) holds it once.
 */
export function runIdOf(scheduleId: string, dueAt: Date): string {
  const hex = createHash('sha256').update(`${scheduleId}\u0000${dueAt.toISOString()}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
