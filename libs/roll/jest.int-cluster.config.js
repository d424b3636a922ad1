const { redisClusterJestConfig } = require('../../jest.preset.js');
module.exports = redisClusterJestConfig(__dirname, ['src/lookup/roll-cache.int-spec.ts']);
