// Points @parchee/redis/testing (and so the Redis specs) at a Redis Cluster: the local one of
// deploy/local/redis-cluster.sh, or the cluster PARCHEE_TEST_REDIS_CLUSTER_URL names.
process.env.PARCHEE_TEST_REDIS_URL = process.env.PARCHEE_TEST_REDIS_CLUSTER_URL || 'redis-cluster://127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103';
