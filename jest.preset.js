// Shared Jest settings. Unit specs (*.spec.ts) never touch the network; integration specs
// (*.int-spec.ts) and e2e specs (*.e2e-spec.ts) run against the real Kafka, Redis, PostgreSQL and TCP;
// cluster specs (*.cluster-spec.ts) against the engines' local clusters (npm run test:cluster).
const path = require('node:path');

const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
  swcrc: false,
};

const tiers = {
  unit: ['**/*.spec.ts'],
  int: ['**/*.int-spec.ts'],
  e2e: ['**/*.e2e-spec.ts'],
  cluster: ['**/*.cluster-spec.ts'],
};

/** Jest config for one project and one test tier. */
function projectJestConfig(projectDir, tier = 'unit') {
  return {
    displayName: `${path.basename(projectDir)}:${tier}`,
    rootDir: projectDir,
    testEnvironment: 'node',
    testMatch: tiers[tier],
    transform: { '^.+\\.ts$': ['@swc/jest', swcOptions] },
    moduleFileExtensions: ['ts', 'js', 'json'],
    moduleNameMapper: {
      '^@parchee/([a-z-]+)$': path.join(__dirname, 'libs/$1/src/index.ts'),
      '^@parchee/([a-z-]+)/testing$': path.join(__dirname, 'libs/$1/src/testing/index.ts'),
    },
    testTimeout: tier === 'unit' ? 5000 : tier === 'int' ? 30000 : 120000,
    // Integration and e2e specs share one broker, cache and database: run them one file at a time.
    maxWorkers: tier === 'unit' ? '50%' : 1,
    reporters: ['default', path.join(__dirname, 'tools/test/summary-reporter.js')],
  };
}

/**
 * A project's Redis integration specs once more, against the local Redis Cluster
 * (deploy/local/redis-cluster.sh, started by the global setup if it is not up): the same specs,
 * parametrised by PARCHEE_TEST_REDIS_URL (@parchee/redis/testing), which the setup file points at
 * the cluster, plus the project's `*.cluster-spec.ts`, which only a cluster can run (failover,
 * slots). `specs` are paths under the project.
 */
function redisClusterJestConfig(projectDir, specs) {
  const int = projectJestConfig(projectDir, 'int');
  return {
    ...int,
    displayName: `${path.basename(projectDir)}:int-cluster`,
    testMatch: [...specs.map((spec) => `<rootDir>/${spec}`), '**/*.cluster-spec.ts'],
    globalSetup: path.join(__dirname, 'tools/test/redis-cluster-setup.js'),
    setupFiles: [path.join(__dirname, 'tools/test/redis-cluster-env.js')],
  };
}

module.exports = { projectJestConfig, redisClusterJestConfig, swcOptions };
