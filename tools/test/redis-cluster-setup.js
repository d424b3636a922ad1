// Jest global setup of the Redis Cluster runs: the local cluster is started if it is not up (from
// nothing on a fresh clone, about 10 s; 0.5 s when it already runs), unless
// PARCHEE_TEST_REDIS_CLUSTER_URL names another cluster.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async function startRedisCluster() {
  if (process.env.PARCHEE_TEST_REDIS_CLUSTER_URL) return;
  execFileSync('bash', [path.join(__dirname, '../../deploy/local/redis-cluster.sh'), 'up'], { stdio: ['ignore', 'inherit', 'inherit'] });
};
