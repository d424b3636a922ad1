import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Module boundaries are the architecture: apps never import apps, errors depend on nothing,
// contracts on nothing but errors, and each risky dependency (the Kafka client, the ORM and
// database driver, the Redis client, raw sockets) lives in exactly one lib.
const socketModules = ['net', 'node:net', 'tls', 'node:tls'];
const kafka = ['kafkajs'];
const database = ['typeorm', 'pg', 'pg-copy-streams'];
const redis = ['ioredis'];
const risky = [...kafka, ...database, ...redis, ...socketModules];

/** What every project may import, in production code and in tests alike. */
const boundaries = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'scope:errors', onlyDependOnLibsWithTags: [], bannedExternalImports: ['*'] },
  { sourceTag: 'scope:contracts', onlyDependOnLibsWithTags: ['scope:errors'], bannedExternalImports: ['*'] },
  { sourceTag: 'scope:config', onlyDependOnLibsWithTags: ['scope:errors'], bannedExternalImports: risky },
  { sourceTag: 'scope:privacy', onlyDependOnLibsWithTags: [], bannedExternalImports: risky },
  { sourceTag: 'scope:requests', onlyDependOnLibsWithTags: ['scope:contracts', 'scope:privacy'], bannedExternalImports: risky },
  // The texts a citizen reads. Their specs prove each text fits its SMS parts with the SMPP lib's
  // GSM 7-bit counter and the roll generator's longest names; production code uses contracts only
  // (libsInProduction below).
  { sourceTag: 'scope:replies', onlyDependOnLibsWithTags: ['scope:contracts', 'scope:smpp', 'scope:roll'], bannedExternalImports: risky },
  // The *8300# USSD menu as a pure state machine: CNICs read as SMS reads them, the replies' texts,
  // screens measured with the SMPP lib's GSM 7-bit counter (its specs: the longest roll names too).
  {
    sourceTag: 'scope:ussd',
    onlyDependOnLibsWithTags: ['scope:errors', 'scope:contracts', 'scope:requests', 'scope:replies', 'scope:smpp', 'scope:roll'],
    bannedExternalImports: risky,
  },
  {
    sourceTag: 'scope:receipts',
    onlyDependOnLibsWithTags: ['scope:errors', 'scope:contracts', 'scope:observability', 'scope:messaging', 'scope:smpp'],
    bannedExternalImports: risky,
  },
  { sourceTag: 'scope:observability', onlyDependOnLibsWithTags: ['scope:config'], bannedExternalImports: risky },
  {
    sourceTag: 'scope:messaging',
    onlyDependOnLibsWithTags: ['scope:errors', 'scope:contracts', 'scope:config', 'scope:observability'],
    bannedExternalImports: [...database, ...redis, ...socketModules],
  },
  { sourceTag: 'scope:smpp', onlyDependOnLibsWithTags: ['scope:errors', 'scope:observability'], bannedExternalImports: [...kafka, ...database, ...redis] },
  {
    sourceTag: 'scope:redis',
    onlyDependOnLibsWithTags: ['scope:config', 'scope:observability'],
    bannedExternalImports: [...kafka, ...database, ...socketModules],
  },
  // Rate limits, anti-enumeration and the loop breaker, shared by every service that looks up the
  // roll for a citizen (lookup for SMS, ussd for USSD), so one number's limits count both channels.
  {
    sourceTag: 'scope:protection',
    onlyDependOnLibsWithTags: ['scope:errors', 'scope:config', 'scope:observability', 'scope:privacy', 'scope:redis'],
    bannedExternalImports: risky,
  },
  // One citizen looked up on the spot, outside lookup's Kafka pipeline (the USSD service): the
  // guard, the roll, one audit row with its channel. Its specs pseudonymise CNICs as ingress does.
  {
    sourceTag: 'scope:voter-lookup',
    onlyDependOnLibsWithTags: [
      'scope:errors',
      'scope:contracts',
      'scope:observability',
      'scope:privacy',
      'scope:protection',
      'scope:replies',
      'scope:roll',
      'scope:requests',
    ],
    bannedExternalImports: risky,
  },
  {
    sourceTag: 'scope:roll',
    onlyDependOnLibsWithTags: ['scope:errors', 'scope:privacy', 'scope:config', 'scope:observability', 'scope:redis'],
    bannedExternalImports: [...kafka, ...redis, ...socketModules],
  },
  // The whole suite as processes, for the e2e tests, the benchmarks and the npm start demo: never a service's.
  { sourceTag: 'scope:suite', onlyDependOnLibsWithTags: [], bannedExternalImports: [...kafka, ...database, ...redis] },
  { sourceTag: 'scope:demo', onlyDependOnLibsWithTags: ['scope:suite'], bannedExternalImports: risky },
  { sourceTag: 'scope:ingress', bannedExternalImports: risky },
  { sourceTag: 'scope:lookup', bannedExternalImports: risky },
  { sourceTag: 'scope:egress', bannedExternalImports: risky },
  { sourceTag: 'scope:ussd-service', bannedExternalImports: risky },
  { sourceTag: 'scope:smsc-sim', bannedExternalImports: risky },
  { sourceTag: 'scope:roll-cli', bannedExternalImports: [...kafka, ...redis, ...socketModules] },
  { sourceTag: 'type:e2e', bannedExternalImports: [...database, ...redis] },
];

/**
 * Which libs each service's production code may use, so a service cannot pull in another's
 * infrastructure by accident: ingress never reads the roll (no pg in the process that holds the
 * SMSC binds), lookup never speaks SMPP, egress neither reads the roll nor parses requests.
 * Tests may reach further (lookup's reply specs count GSM 7-bit septets with the SMPP lib).
 */
const services = [
  {
    sourceTag: 'scope:ingress',
    onlyDependOnLibsWithTags: [
      'scope:errors',
      'scope:contracts',
      'scope:config',
      'scope:observability',
      'scope:privacy',
      'scope:requests',
      'scope:receipts',
      'scope:messaging',
      'scope:smpp',
      'scope:redis',
    ],
  },
  {
    sourceTag: 'scope:lookup',
    onlyDependOnLibsWithTags: [
      'scope:errors',
      'scope:contracts',
      'scope:config',
      'scope:observability',
      'scope:privacy',
      'scope:messaging',
      'scope:redis',
      'scope:roll',
      'scope:replies',
      'scope:protection',
    ],
  },
  {
    sourceTag: 'scope:egress',
    onlyDependOnLibsWithTags: [
      'scope:errors',
      'scope:contracts',
      'scope:config',
      'scope:observability',
      'scope:messaging',
      'scope:smpp',
      'scope:redis',
      'scope:receipts',
    ],
  },
  // The USSD service: dialogs in Redis, the menu, and each lookup in-process through the same
  // guard, roll and audit as lookup's (voter-lookup); "send by SMS" as an MT on Kafka. No SMPP yet:
  // its transports are not built.
  {
    sourceTag: 'scope:ussd-service',
    onlyDependOnLibsWithTags: [
      'scope:errors',
      'scope:contracts',
      'scope:config',
      'scope:observability',
      'scope:privacy',
      'scope:requests',
      'scope:messaging',
      'scope:redis',
      'scope:roll',
      'scope:protection',
      'scope:voter-lookup',
      'scope:ussd',
    ],
  },
  { sourceTag: 'scope:smsc-sim', onlyDependOnLibsWithTags: ['scope:errors', 'scope:config', 'scope:observability', 'scope:privacy', 'scope:smpp'] },
];

/**
 * What a lib's production code may use where its specs reach further (as for the services above):
 * each entry narrows that lib's entry in `boundaries`.
 */
const libsInProduction = [
  { sourceTag: 'scope:replies', onlyDependOnLibsWithTags: ['scope:contracts'] },
  {
    sourceTag: 'scope:voter-lookup',
    onlyDependOnLibsWithTags: ['scope:errors', 'scope:contracts', 'scope:observability', 'scope:privacy', 'scope:protection', 'scope:replies', 'scope:roll'],
  },
  { sourceTag: 'scope:ussd', onlyDependOnLibsWithTags: ['scope:errors', 'scope:contracts', 'scope:requests', 'scope:replies', 'scope:smpp'] },
];

const tests = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.cluster-spec.ts', '**/testing/**/*.ts'];

const moduleBoundaries = (depConstraints) => ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints }];

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
      '@nx/enforce-module-boundaries': moduleBoundaries([...boundaries, ...services, ...libsInProduction]),
      // Test helpers (fake brokers, seeded rolls, test clients) never reach production code.
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@parchee/*/testing'], message: 'test helpers are for specs, testing/ folders and the e2e app only' }] },
      ],
    },
  },
  {
    files: tests,
    rules: {
      'no-console': 'off',
      '@nx/enforce-module-boundaries': moduleBoundaries(boundaries),
      'no-restricted-imports': 'off',
    },
  },
  {
    // The e2e app is a test harness as a whole: its support code, benchmarks and soak use test helpers.
    files: ['apps/e2e/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
];
