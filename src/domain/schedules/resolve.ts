import { DateTime } from 'luxon';
import { matchesAny } from '../glob.js';
import { parseSchedule, type Schedule } from './schedule.js';

/** Where an environment's schedule came from, most specific first; `/env schedule <env>` explains it. */
export type ScheduleSource =
  | { kind: 'command'; setBy: string; setAt: string }
  | { kind: 'tag'; key: string }
  | { kind: 'default'; environments: readonly string[] }
  | { kind: 'none' };

export interface ResolvedSchedule {
  schedule: Schedule | null;
  text: string | null;
  source: ScheduleSource;
  /** A schedule that was set but does not parse: the environment is left alone and this says why. */
  problem: string | null;
}

export interface ScheduleRules {
  named: Record<string, string>;
  defaults: ReadonlyArray<{ environments: readonly string[]; schedule: string }>;
  tagKey: string;
}

/** Parsed schedules by text, per set of named schedules: every tick resolves every environment's schedule. */
const parsedCache = new WeakMap<Record<string, string>, Map<string, ReturnType<typeof parseSchedule>>>();

function parseCached(text: string, named: Record<string, string>): ReturnType<typeof parseSchedule> {
  let cache = parsedCache.get(named);
  if (!cache) parsedCache.set(named, (cache = new Map()));
  let parsed = cache.get(text);
  if (!parsed) cache.set(text, (parsed = parseSchedule(text, named)));
  return parsed;
}

function resolved(text: string, source: ScheduleSource, named: Record<string, string>): ResolvedSchedule {
  if (text.trim().toLowerCase() === 'off') return { schedule: null, text: 'off', source, problem: null };
  const parsed = parseCached(text, named);
  if (parsed.ok) return { schedule: parsed.value, text, source, problem: null };
  return { schedule: null, text, source, problem: `\`${text}\` does not parse: ${parsed.error.message}` };
}

/** The command's setting, else a tag on its services, else the first matching default, else none. */
export function resolveSchedule(
  environment: { name: string; services: ReadonlyArray<{ tags: Record<string, string> }> },
  setting: { schedule: string; setBy: string; setAt: string } | undefined,
  rules: ScheduleRules,
): ResolvedSchedule {
  if (setting) return resolved(setting.schedule, { kind: 'command', setBy: setting.setBy, setAt: setting.setAt }, rules.named);
  const tagged = environment.services.map((s) => s.tags[rules.tagKey]).find((value) => value?.trim());
  if (tagged) return resolved(tagged, { kind: 'tag', key: rules.tagKey }, rules.named);
  const fallback = rules.defaults.find((rule) => matchesAny(rule.environments, environment.name));
  if (fallback) return resolved(fallback.schedule, { kind: 'default', environments: fallback.environments }, rules.named);
  return { schedule: null, text: null, source: { kind: 'none' }, problem: null };
}

/** The next time the wall clock in `zone` shows HH:MM, strictly after `after` (today's if still ahead, else tomorrow's). */
export function nextLocalTime(hhmm: string, zone: string, after: Date): Date {
  const [hour, minute] = hhmm.split(':').map(Number);
  const local = DateTime.fromJSDate(after, { zone });
  let candidate = local.set({ hour, minute, second: 0, millisecond: 0 });
  if (candidate <= local) candidate = candidate.plus({ days: 1 });
  return candidate.toJSDate();
}

export function timeZoneOf(schedule: Schedule | null): string {
  return schedule?.kind === 'windows' ? schedule.timeZone : 'UTC';
}
