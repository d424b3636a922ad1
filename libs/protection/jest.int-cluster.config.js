const { redisClusterJestConfig } = require('../../jest.preset.js');
module.exports = redisClusterJestConfig(__dirname, [
  'src/guard/redis-request-guard.int-spec.ts',
  'src/loop-breaker/reply-cap.int-spec.ts',
  'src/factory/request-guard-factory.int-spec.ts',
]);
