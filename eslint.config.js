// ESLint flat config: @eslint/js recommended + typescript-eslint recommended (syntax-only, no type information,
// so `npx eslint .` stays fast; `tsc --noEmit` does the type checking), plus the room rules of ARCHITECTURE.md:
// which folder of src/ may import which, and no import cycles. test/packaging/import-rules.test.ts proves they bite.
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const nodeGlobals = {
  process: 'readonly',
  console: 'readonly',
  Buffer: 'readonly',
  URL: 'readonly',
  URLSearchParams: 'readonly',
  fetch: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  setInterval: 'readonly',
  clearInterval: 'readonly',
  setImmediate: 'readonly',
  AbortController: 'readonly',
  AbortSignal: 'readonly',
  structuredClone: 'readonly',
};

// Zone paths are resolved against the repository root, wherever eslint is started from.
const repoRoot = fileURLToPath(new URL('.', import.meta.url));

// The rooms of src/ and what each must not import (ARCHITECTURE.md draws the same map). `target` is the importing
// files, `from` what they may not import, `except` what stays allowed inside `from`. Imports are matched on the
// file they resolve to, type-only imports included. `name` is for readers (the rule does not take it).
// Layers, bottom up: domain ← config, store, aws ← operations (and the schedule service) ← jobs ← slack, ops; the
// composition root is the only place that imports every room: src/main.ts plus, if it is split up, the folder
// of src/ named here (the one name to change).
const rootFolder = 'wiring';
const compositionRoot = ['src/main.ts', `src/${rootFolder}`];
const roomZones = [
  {
    name: 'domain-is-pure',
    target: 'src/domain',
    from: 'src',
    except: ['./domain'],
    message: 'src/domain is the pure core: it imports only src/domain and libraries.',
  },
  {
    name: 'only-slack-speaks-slack',
    // Every file of src/ but slack/ and the composition root (extglobs: all folders but these, all files but main.ts).
    target: [`src/!(slack|${rootFolder})/**`, 'src/!(main).ts'],
    from: 'src/slack',
    message: 'Only src/slack knows Slack and Block Kit: describe what happened as data to the outbound port.',
  },
  {
    name: 'product-apart-from-tools',
    target: 'src',
    from: ['dev', 'test', 'bench'],
    message: 'src/ is the product: it never imports the dev tools, tests or benchmarks (dev/ may import src/).',
  },
  {
    name: 'nobody-imports-the-root',
    target: [`src/!(${rootFolder})/**`, 'src/!(main).ts'],
    from: compositionRoot,
    message: 'Only the composition root wires rooms together; take what you need as a constructor argument.',
  },
  {
    name: 'config-below-adapters',
    target: 'src/config',
    from: ['src/store', 'src/aws', 'src/operations', 'src/jobs', 'src/ops'],
    message: 'src/config reads and validates configuration; it imports only src/domain (and the shared utilities).',
  },
  {
    name: 'store-is-an-adapter',
    target: 'src/store',
    from: ['src/aws', 'src/operations', 'src/jobs', 'src/ops'],
    message: 'src/store persists domain data; it imports only src/domain and src/config (and the shared utilities).',
  },
  {
    name: 'aws-is-an-adapter',
    target: 'src/aws',
    from: ['src/store', 'src/operations', 'src/jobs'],
    message: 'src/aws talks to AWS and hands back what it read; it never imports the stores, operations or jobs.',
  },
  {
    name: 'services-below-jobs',
    target: 'src/operations',
    from: 'src/jobs',
    message: 'src/operations is called by jobs and commands, never the other way round.',
  },
  {
    name: 'charts-draw-plain-data',
    // charts/ turns plain data into pictures (a Vega-Lite spec, PNG bytes): it reads nothing and tells no one.
    target: 'src/charts',
    // (slack/ is refused by only-slack-speaks-slack already.)
    from: ['src/config', 'src/store', 'src/aws', 'src/operations', 'src/schedules', 'src/jobs', 'src/ops'],
    message: 'src/charts draws plain data: it imports only src/domain (and the shared utilities).',
  },
  {
    name: 'charts-drawn-where-shown',
    // The charting modules are heavy: only the outbound side that shows a chart (slack/, the demo) draws one.
    target: ['src/config', 'src/store', 'src/aws', 'src/operations', 'src/schedules', 'src/jobs', 'src/ops'],
    from: 'src/charts',
    message: 'Hand a chart as plain data to the outbound port (outbound.ts Chart); only src/slack draws it.',
  },
  {
    name: 'ops-is-plumbing',
    // ops/ (HTTP server, readiness, sole-instance guard) sits beside slack/ near the top; from below, only the
    // observer ports of ops/metrics.ts (which the AWS clients report their calls to) may be imported.
    target: ['src/aws', 'src/operations', 'src/jobs'],
    from: 'src/ops',
    except: ['./metrics.ts'],
    message: 'Below src/ops only the observer ports of ops/metrics.ts may be imported.',
  },
];

function roomRules(zones) {
  return {
    'import-x/no-restricted-paths': [
      'error',
      { basePath: repoRoot, zones: zones.map(({ name: _name, ...zone }) => zone) },
    ],
  };
}

export default defineConfig(
  {
    // test/fixtures/import-cycle/ is a cycle on purpose: test/packaging/import-rules.test.ts lints it.
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      'migrations/',
      'bench/results/',
      'data/',
      'test/fixtures/import-cycle/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: nodeGlobals,
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // Import resolution for the rules below: `.js` specifiers resolve to the `.ts` files under NodeNext.
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: `${repoRoot}tsconfig.json` })],
    },
    rules: {
      // Runtime cycles only (this version of the rule always skips `import type`); the rooms above forbid the
      // type-level back-edges between folders. Packages are not followed: a cycle through node_modules is not ours.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: roomRules(roomZones),
  },
  {
    // Slack's SDK types are Block Kit too: only slack/ and the composition root may import them.
    files: ['src/**/*.ts'],
    ignores: ['src/slack/**', 'src/main.ts', `src/${rootFolder}/**`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@slack/*'],
              message: 'Only src/slack (and the composition root) may import the Slack SDK.',
            },
          ],
        },
      ],
    },
  },
);
