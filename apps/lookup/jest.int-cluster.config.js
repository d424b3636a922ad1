const { redisClusterJestConfig } = require('../../jest.preset.js');
module.exports = redisClusterJestConfig(__dirname, [
  'src/protection/redis-request-guard.int-spec.ts',
  'src/protection/reply-cap.int-spec.ts',
  'src/protection/request-guard-factory.int-spec.ts',
]);
