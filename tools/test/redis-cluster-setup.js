// Jest global setup of the Redis Cluster runs: the local cluster is started if it is not up (from
// nothing on a fresh clone, about 10 s; 0.5 s when it already runs). Its specs may fail a master
// over or kill one: it is theirs alone.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async function startRedisCluster() {
  execFileSync('bash', [path.join(__dirname, '../../deploy/local/redis-cluster.sh'), 'up'], { stdio: ['ignore', 'inherit', 'inherit'] });
};
