import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Module boundaries are the architecture: apps never import apps, errors depend on nothing,
// contracts on nothing but errors, and each risky dependency (the Kafka client, the ORM and
// database driver, the Redis client, raw sockets) lives in exactly one lib.
const socketModules = ['net', 'node:net', 'tls', 'node:tls'];
const kafka = ['kafkajs'];
const database = ['typeorm', 'pg', 'pg-copy-streams'];
const redis = ['ioredis'];

export default [
  { ignores: ['**/dist', '**/node_modules', '**/.nx', '**/jest*.config.js', 'tools/**', 'deploy/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:errors', onlyDependOnLibsWithTags: [], bannedExternalImports: ['*'] },
            { sourceTag: 'scope:contracts', onlyDependOnLibsWithTags: ['scope:errors'], bannedExternalImports: ['*'] },
            { sourceTag: 'scope:config', onlyDependOnLibsWithTags: ['scope:errors'], bannedExternalImports: [...kafka, ...database, ...redis, ...socketModules] },
            { sourceTag: 'scope:privacy', onlyDependOnLibsWithTags: [], bannedExternalImports: [...kafka, ...database, ...redis, ...socketModules] },
            { sourceTag: 'scope:requests', onlyDependOnLibsWithTags: ['scope:contracts', 'scope:privacy'], bannedExternalImports: [...kafka, ...database, ...redis, ...socketModules] },
            { sourceTag: 'scope:observability', onlyDependOnLibsWithTags: ['scope:config'], bannedExternalImports: [...kafka, ...database, ...redis, ...socketModules] },
            { sourceTag: 'scope:messaging', onlyDependOnLibsWithTags: ['scope:errors', 'scope:contracts', 'scope:config', 'scope:observability'], bannedExternalImports: [...database, ...redis, ...socketModules] },
            { sourceTag: 'scope:smpp', onlyDependOnLibsWithTags: ['scope:errors', 'scope:observability'], bannedExternalImports: [...kafka, ...database, ...redis] },
            { sourceTag: 'scope:redis', onlyDependOnLibsWithTags: ['scope:config', 'scope:observability'], bannedExternalImports: [...kafka, ...database, ...socketModules] },
            { sourceTag: 'scope:roll', onlyDependOnLibsWithTags: ['scope:errors', 'scope:privacy', 'scope:config', 'scope:observability', 'scope:redis'], bannedExternalImports: [...kafka, ...redis, ...socketModules] },
            { sourceTag: 'scope:ingress', bannedExternalImports: [...kafka, ...database, ...redis, ...socketModules] },
            { sourceTag: 'scope:lookup', bannedExternalImports: [...kafka, ...database, ...redis, ...socketModules] },
            { sourceTag: 'scope:egress', bannedExternalImports: [...kafka, ...database, ...redis, ...socketModules] },
            { sourceTag: 'scope:smsc-sim', bannedExternalImports: [...kafka, ...database, ...redis, ...socketModules] },
            { sourceTag: 'scope:roll-cli', bannedExternalImports: [...kafka, ...redis, ...socketModules] },
            { sourceTag: 'type:e2e', bannedExternalImports: [...database, ...redis] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/testing/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
];
