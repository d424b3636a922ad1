const { redisClusterJestConfig } = require('../../jest.preset.js');
module.exports = redisClusterJestConfig(__dirname, ['src/throttle/operator-throttle.int-spec.ts', 'src/delivery/egress-redis-state.int-spec.ts']);
