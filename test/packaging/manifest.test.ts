import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';

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

  it('requests the bot scopes dockhand needs', () => {
    const scopes = loadManifest().oauth_config?.scopes?.bot ?? [];
    for (const scope of ['commands', 'chat:write', 'chat:write.public', 'usergroups:read', 'users:read', 'im:write']) {
      expect(scopes, `missing bot scope ${scope}`).toContain(scope);
    }
    expect(new Set(scopes).size).toBe(scopes.length);
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
