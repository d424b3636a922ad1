const { redisClusterJestConfig } = require('../../jest.preset.js');
module.exports = redisClusterJestConfig(__dirname, [
  'src/client/redis-client.int-spec.ts',
  'src/client/when-ready.int-spec.ts',
  'src/writes/batched-sets.int-spec.ts',
  'src/leases/slot-leases.int-spec.ts',
]);
