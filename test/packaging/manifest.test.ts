import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_HELP } from '../../src/slack/commands/registry.js';
import { botSourceFiles } from './source.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const manifestPath = resolve(repoRoot, 'manifest.yml');
// Slack's manifest JSON Schema (MIT, see slack-manifest-schema/LICENSE) is copied into the repository.
const schemaPath = resolve(repoRoot, 'test/packaging/slack-manifest-schema/manifest.schema.1.0.0.json');

type Manifest = {
  _metadata?: { major_version?: number };
  display_information: { name: string; [key: string]: unknown };
  features?: {
    bot_user?: { display_name?: string };
    slash_commands?: { command: string; description: string; usage_hint?: string; should_escape?: boolean; url?: string }[];
  };
  oauth_config?: { scopes?: { bot?: string[] } };
  settings?: {
    socket_mode_enabled?: boolean;
    org_deploy_enabled?: boolean;
    interactivity?: { is_enabled: boolean; request_url?: string };
  };
  [key: string]: unknown;
};

/**
 * Bot scopes each Web API method needs, from its page on api.slack.com/methods. chat.postMessage also needs
 * chat:write.public because digests and approvals go to channels the bot was never invited to; users.list
 * needs users:read.email because owners tagged by email are matched against members' emails. DMs are
 * chat.postMessage to a user id, so no im:write. auth.test and the views.* methods (forms, the App Home) need no scope.
 */
const SCOPES_OF_METHOD: Record<string, string[]> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write', 'chat:write.public'],
  'chat.update': ['chat:write'],
  // WebClient's filesUploadV2: files.getUploadURLExternal, the bytes, files.completeUploadExternal.
  'files.uploadV2': ['files:write'],
  'usergroups.list': ['usergroups:read'],
  'users.list': ['users:read', 'users:read.email'],
  'views.open': [],
  'views.publish': [],
  'views.update': [],
};

const WEB_API_FAMILIES = 'admin|apps|auth|bookmarks|bots|calls|chat|conversations|dnd|emoji|files|im|mpim|pins|reactions|reminders|search|stars|team|usergroups|users|views|workflows';

/** Every `client.<family>.<method>(` / `.<family>.<method>.<sub>(` and apiCall('<method>') in src/, plus Bolt's own auth.test at start. */
function webApiMethodsCalled(): Set<string> {
  const methods = new Set(['auth.test']);
  // Not after `)`: `.parse(…).usergroups.filter(` reads a response, it calls no method.
  const call = new RegExp(`(?<!\\)\\s*)\\.(${WEB_API_FAMILIES})((?:\\.[a-z][A-Za-z]*)+)\\(`, 'g');
  for (const file of botSourceFiles(resolve(repoRoot, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const [, family, rest] of text.matchAll(call)) methods.add(`${family}${rest}`);
    for (const [, method] of text.matchAll(/apiCall\(\s*'([a-z.A-Z]+)'/g)) methods.add(method as string);
    if (/\.filesUploadV2\(/.test(text)) methods.add('files.uploadV2');
  }
  return methods;
}

function loadManifest(): Manifest {
  return parse(readFileSync(manifestPath, 'utf8')) as Manifest;
}

function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
}

describe('manifest.yml', () => {
  let validate: ValidateFunction;

  beforeAll(() => {
    expect(existsSync(schemaPath), `Slack manifest schema not found at ${schemaPath}`).toBe(true);
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
    // strict: false because Slack's schema uses a non-standard "regex" keyword;
    // validateFormats: false because the only format ("uri" on $schema) needs ajv-formats.
    const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
    validate = ajv.compile(schema);
  });

  it('is valid against Slack manifest schema 1.0.0', () => {
    const manifest = loadManifest();
    const ok = validate(manifest);
    expect(ok, describeErrors(validate)).toBe(true);
    expect(manifest._metadata?.major_version).toBe(1);
  });

  it('declares the /env slash command', () => {
    const manifest = loadManifest();
    const env = manifest.features?.slash_commands?.find((c) => c.command === '/env');
    expect(env).toBeDefined();
    expect(env?.description.length).toBeGreaterThan(0);
    expect(env?.usage_hint).toMatch(/list/);
    // Escaped mentions carry user ids, which `/env grant @user` needs.
    expect(env?.should_escape).toBe(true);
    expect(env?.url).toMatch(/^https:\/\/.+\/slack\/events$/);
  });

  it('has a bot user named dockhand, interactivity and Socket Mode', () => {
    const manifest = loadManifest();
    expect(manifest.display_information.name).toBe('dockhand');
    expect(manifest.features?.bot_user?.display_name).toBe('dockhand');
    expect(manifest.settings?.interactivity?.is_enabled).toBe(true);
    expect(manifest.settings?.interactivity?.request_url).toMatch(/\/slack\/events$/);
    expect(manifest.settings?.socket_mode_enabled).toBe(true);
    expect(manifest.settings?.org_deploy_enabled).toBe(false);
  });

  it('requests exactly the bot scopes of the Web API methods the code calls', () => {
    const scopes = loadManifest().oauth_config?.scopes?.bot ?? [];
    const called = webApiMethodsCalled();
    expect(called.size).toBeGreaterThan(3);
    const needed = new Set(['commands']); // the /env slash command the manifest declares
    for (const method of called) {
      const forMethod = SCOPES_OF_METHOD[method];
      if (!forMethod) throw new Error(`src/ calls ${method}: add the bot scopes it needs (api.slack.com/methods/${method}) to SCOPES_OF_METHOD`);
      for (const scope of forMethod) needed.add(scope);
    }
    expect([...scopes].sort()).toEqual([...needed].sort());
    expect(scopes).not.toContain('im:write');
  });

  it('names the commands people use most in the usage hint, each one dockhand knows', () => {
    const hint = loadManifest().features?.slash_commands?.find((c) => c.command === '/env')?.usage_hint ?? '';
    const named = hint.split('|').map((part) => part.trim().split(/\s+/)[0] ?? '');
    const verbs = new Set(COMMAND_HELP.map((entry) => entry.verb));
    for (const verb of named) expect(verbs.has(verb as never), `usage_hint names "${verb}"`).toBe(true);
    for (const verb of ['list', 'status', 'stop', 'start', 'restart', 'extend', 'help']) expect(named).toContain(verb);
  });

  it('has the Home tab and the app_home_opened event that draws it', () => {
    const manifest = loadManifest() as Manifest & { features?: { app_home?: { home_tab_enabled?: boolean } }; settings?: { event_subscriptions?: { bot_events?: string[]; request_url?: string } } };
    expect(manifest.features?.app_home?.home_tab_enabled).toBe(true);
    expect(manifest.settings?.event_subscriptions?.bot_events).toEqual(['app_home_opened']);
    expect(manifest.settings?.event_subscriptions?.request_url).toMatch(/\/slack\/events$/);
  });

  it('rejects a manifest with an unknown top-level property', () => {
    const broken = { ...loadManifest(), not_a_manifest_key: true };
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.some((e) => e.keyword === 'additionalProperties')).toBe(true);
  });

  it('rejects a manifest without display_information.name', () => {
    const manifest = loadManifest();
    const { name: _name, ...rest } = manifest.display_information;
    expect(validate({ ...manifest, display_information: rest })).toBe(false);
    expect(validate.errors?.some((e) => e.keyword === 'required' && e.instancePath === '/display_information')).toBe(true);
  });

  it('rejects a slash command that does not start with a slash', () => {
    const manifest = loadManifest();
    const commands = (manifest.features?.slash_commands ?? []).map((c) => ({ ...c, command: c.command.replace(/^\//, '') }));
    expect(validate({ ...manifest, features: { ...manifest.features, slash_commands: commands } })).toBe(false);
  });
});
