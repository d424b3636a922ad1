// Points @parchee/redis/testing (and so the Redis specs) at the local Redis Cluster of
// deploy/local/redis-cluster.sh, which the global setup starts (redis-cluster-setup.js).
process.env.PARCHEE_TEST_REDIS_URL = 'redis-cluster://127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103';
