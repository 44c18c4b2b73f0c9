import { describe, expect, it } from 'vitest';
import { COMMAND_BUTTONS, COMMAND_HELP, COMMANDS, parseEnvCommand, typedCommand } from '../../src/slack/commands/registry.js';

describe('the command registry', () => {
  it('lists every typed verb once, in the order /env help shows them (a new verb may go anywhere)', () => {
    const known = new Set(['list', 'status', 'restart', 'stop', 'start', 'scale', 'schedule', 'extend', 'cost', 'idle', 'who', 'digest', 'approvals', 'audit', 'grant', 'revoke', 'refresh', 'help']);
    expect(COMMAND_HELP.map((entry) => entry.verb).filter((verb) => known.has(verb))).toEqual(['list', 'status', 'restart', 'stop', 'start', 'scale', 'schedule', 'extend', 'cost', 'idle', 'who', 'digest', 'approvals', 'audit', 'grant', 'revoke', 'refresh', 'help']);
    expect(new Set(COMMANDS.map((module) => module.verb)).size).toBe(COMMANDS.length);
  });

  it('parses every help example that names no Slack user', () => {
    for (const entry of COMMAND_HELP.filter((e) => !e.example.includes('@'))) {
      const parsed = parseEnvCommand(entry.example.replace(/^\/env\s*/, ''));
      expect(parsed, entry.example).toMatchObject({ ok: true, command: { verb: entry.verb } });
    }
  });

  it('answers the aliases as their verbs', () => {
    expect(parseEnvCommand('ls')).toEqual({ ok: true, command: { verb: 'list', filter: null } });
    expect(parseEnvCommand('park qa-2')).toEqual({ ok: true, command: { verb: 'stop', environment: 'qa-2' } });
    expect(parseEnvCommand('restore qa-2')).toEqual({ ok: true, command: { verb: 'start', environment: 'qa-2' } });
    expect(parseEnvCommand('--help')).toEqual({ ok: true, command: { verb: 'help' } });
  });

  it('keeps verbs only buttons invoke out of /env: typing one is an unknown command, with the typed verbs it is closest to', () => {
    for (const verb of ['snooze', 'approve', 'deny']) {
      expect(typedCommand(verb)).toBeNull();
      const parsed = parseEnvCommand(`${verb} qa-2`);
      expect(parsed).toMatchObject({ ok: false, problem: `\`${verb}\` is not a dockhand command`, usage: null });
      // What it suggests instead is a verb someone can type, never the button-only one.
      for (const suggestion of (!parsed.ok && parsed.suggestions) || []) expect(typedCommand(suggestion), suggestion).not.toBeNull();
    }
    expect(parseEnvCommand('stpo qa-2')).toMatchObject({ ok: false, suggestions: ['stop'] });
    expect(parseEnvCommand('xyzzy')).toEqual({ ok: false, problem: '`xyzzy` is not a dockhand command', usage: null });
  });

  it('gives every button one command', () => {
    const actions = COMMAND_BUTTONS.map((button) => button.actionId);
    expect(new Set(actions).size).toBe(actions.length);
    expect(Object.fromEntries(COMMAND_BUTTONS.map((b) => [b.actionId, b.module.verb]))).toMatchObject({
      schedule_stop_now: 'stop',
      idle_stop: 'stop',
      schedule_extend_1h: 'extend',
      idle_snooze: 'snooze',
      approval_approve: 'approve',
      home_start: 'start',
      home_stop: 'stop',
      home_extend_1h: 'extend',
      env_why: 'why',
      schedule_edit: 'schedule',
    });
  });
});
