/** Durations as people type them: `30m`, `8h`, `2d`, `1h30m`. */

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/i;

export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text.trim());
  if (!match || !text.trim()) return null;
  const [, days, hours, minutes] = match;
  const ms = Number(days ?? 0) * (UNIT_MS.d as number) + Number(hours ?? 0) * (UNIT_MS.h as number) + Number(minutes ?? 0) * (UNIT_MS.m as number);
  return ms > 0 ? ms : null;
}

export function formatDuration(ms: number): string {
  const totalMinutes = Math.round(ms / 60_000);
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  return [days ? `${days}d` : '', hours ? `${hours}h` : '', minutes || totalMinutes === 0 ? `${minutes}m` : ''].join('');
}

/** How long something took or has been going, as every message says it: `45 s`, `3 m 10 s`, `2 h 5 m`. */
export function formatElapsed(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m${s % 60 ? ` ${s % 60} s` : ''}`;
  const minutes = Math.floor((s % 3600) / 60);
  return `${Math.floor(s / 3600)} h${minutes ? ` ${minutes} m` : ''}`;
}
