import type { IObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';
import type { IPersistentVolumeClaimSpec } from 'kubernetes-models/v1/PersistentVolumeClaimSpec';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { IResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import type { ITopologySpreadConstraint } from 'kubernetes-models/v1/TopologySpreadConstraint';

/*
 * The Redis and RedisCluster resources of OT-CONTAINER-KIT's redis-operator
 * (redis.redis.opstreelabs.in/v1beta2), which has no kubernetes-models package: the fields
 * Parchee sets, with their types, required fields and enums as the operator's v0.26.0 CRDs declare
 * them. A field Parchee does not use is absent, so the manifests' type check refuses it until it
 * is added here, checked against the CRD.
 */

interface RedisSecret {
  name?: string;
  key?: string;
}

interface KubernetesConfig {
  image: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  redisSecret?: RedisSecret;
  resources?: IResourceRequirements;
  service?: { serviceType?: 'LoadBalancer' | 'NodePort' | 'ClusterIP'; includeBusPort?: boolean };
}

interface RedisConfig {
  /** A ConfigMap whose redis-additional.conf is appended to redis.conf. */
  additionalRedisConfig?: string;
  dynamicConfig?: string[];
  /** 1 to 100. */
  maxMemoryPercentOfLimit?: number;
}

interface Pdb {
  enabled?: boolean;
  maxUnavailable?: number;
  minAvailable?: number;
}

interface RedisExporter {
  image: string;
  enabled?: boolean;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  port?: number;
  resources?: IResourceRequirements;
}

interface ClaimTemplate {
  metadata?: IObjectMeta;
  spec?: IPersistentVolumeClaimSpec;
}

interface ClusterRole {
  replicas?: number;
  redisConfig?: RedisConfig;
  pdb?: Pdb;
  resources?: IResourceRequirements;
  topologySpreadConstraints?: ITopologySpreadConstraint[];
}

export interface IRedis {
  apiVersion: 'redis.redis.opstreelabs.in/v1beta2';
  kind: 'Redis';
  metadata: IObjectMeta;
  spec: {
    kubernetesConfig: KubernetesConfig;
    redisConfig?: RedisConfig;
    redisExporter?: RedisExporter;
    podSecurityContext?: IPodSecurityContext;
    storage?: { volumeClaimTemplate?: ClaimTemplate; keepAfterDelete?: boolean };
  };
}

export interface IRedisCluster {
  apiVersion: 'redis.redis.opstreelabs.in/v1beta2';
  kind: 'RedisCluster';
  metadata: IObjectMeta;
  spec: {
    clusterSize: number;
    kubernetesConfig: KubernetesConfig;
    clusterVersion?: string;
    persistenceEnabled?: boolean;
    podSecurityContext?: IPodSecurityContext;
    port?: number;
    redisConfig?: RedisConfig;
    redisLeader?: ClusterRole;
    redisFollower?: ClusterRole;
    redisExporter?: RedisExporter;
    storage?: {
      volumeClaimTemplate?: ClaimTemplate;
      nodeConfVolume?: boolean;
      nodeConfVolumeClaimTemplate?: ClaimTemplate;
      keepAfterDelete?: boolean;
    };
  };
}

/** What the types cannot say: the CRDs' integer fields and the one range among the fields used. */
export function redisOperatorProblems(object: { kind: string; spec?: unknown }): string[] {
  const problems: string[] = [];
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  const integer = (value: unknown, path: string, min = -Infinity, max = Infinity) => {
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      problems.push(`${path} must be an integer${min > -Infinity ? ` from ${min} to ${max}` : ''}, got ${JSON.stringify(value)}`);
    }
  };
  const redisConfig = (config: unknown, path: string) =>
    integer((config as RedisConfig | undefined)?.maxMemoryPercentOfLimit, `${path}.maxMemoryPercentOfLimit`, 1, 100);
  if (object.kind === 'RedisCluster') {
    integer(spec.clusterSize, 'spec.clusterSize');
    integer(spec.port, 'spec.port');
    for (const role of ['redisLeader', 'redisFollower']) {
      const settings = spec[role] as ClusterRole | undefined;
      integer(settings?.replicas, `spec.${role}.replicas`);
      integer(settings?.pdb?.maxUnavailable, `spec.${role}.pdb.maxUnavailable`);
      integer(settings?.pdb?.minAvailable, `spec.${role}.pdb.minAvailable`);
      redisConfig(settings?.redisConfig, `spec.${role}.redisConfig`);
    }
  }
  redisConfig(spec.redisConfig, 'spec.redisConfig');
  integer((spec.redisExporter as RedisExporter | undefined)?.port, 'spec.redisExporter.port');
  return problems;
}
