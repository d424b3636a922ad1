const { redisClusterJestConfig } = require('../../jest.preset.js');
module.exports = redisClusterJestConfig(__dirname, ['src/dedupe/seen-mo-store.int-spec.ts', 'src/reassembly/redis-mo-part-store.int-spec.ts']);
