import { join } from 'node:path';
import * as ts from 'typescript';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Kafka } from '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2/Kafka';
import { KafkaNodePool } from '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2/KafkaNodePool';
import { KafkaTopic } from '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2/KafkaTopic';
import { Cluster } from '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/Cluster';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { objectName, type KubeObject } from './kustomize';
import { redisOperatorProblems } from './redis-operator';

/** A kubernetes-models class: validate() throws naming what breaks the schema (types, enums, required fields, bounds). */
type ModelClass = new (data: never) => { validate(): void };

interface Schema {
  /** Where the object's TypeScript type lives, and its name there. */
  typeModule: string;
  typeName: string;
  /** The model validating against the Kubernetes or CRD OpenAPI schema; a check of our own where there is none. */
  validate: (object: KubeObject) => string[];
}

function byModel(model: ModelClass): (object: KubeObject) => string[] {
  return (object) => {
    try {
      new model(object as never).validate();
      return [];
    } catch (err) {
      return [(err as Error).message];
    }
  };
}

function entry(model: ModelClass, typeModule: string, kind: string): Schema {
  return { typeModule, typeName: `I${kind}`, validate: byModel(model) };
}

const REDIS_TYPES = join(__dirname, 'redis-operator');

/** Every kind the manifests may hold, by apiVersion and kind. An object of any other kind is refused. */
const SCHEMAS: Readonly<Record<string, Schema>> = {
  'v1/Namespace': entry(Namespace, 'kubernetes-models/v1/Namespace', 'Namespace'),
  'v1/ConfigMap': entry(ConfigMap, 'kubernetes-models/v1/ConfigMap', 'ConfigMap'),
  'v1/Service': entry(Service, 'kubernetes-models/v1/Service', 'Service'),
  'apps/v1/Deployment': entry(Deployment, 'kubernetes-models/apps/v1/Deployment', 'Deployment'),
  'apps/v1/StatefulSet': entry(StatefulSet, 'kubernetes-models/apps/v1/StatefulSet', 'StatefulSet'),
  'batch/v1/CronJob': entry(CronJob, 'kubernetes-models/batch/v1/CronJob', 'CronJob'),
  'policy/v1/PodDisruptionBudget': entry(PodDisruptionBudget, 'kubernetes-models/policy/v1/PodDisruptionBudget', 'PodDisruptionBudget'),
  'networking.k8s.io/v1/NetworkPolicy': entry(NetworkPolicy, 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy', 'NetworkPolicy'),
  'kafka.strimzi.io/v1beta2/Kafka': entry(Kafka, '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2/Kafka', 'Kafka'),
  'kafka.strimzi.io/v1beta2/KafkaNodePool': entry(
    KafkaNodePool,
    '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2/KafkaNodePool',
    'KafkaNodePool',
  ),
  'kafka.strimzi.io/v1beta2/KafkaTopic': entry(KafkaTopic, '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2/KafkaTopic', 'KafkaTopic'),
  'postgresql.cnpg.io/v1/Cluster': entry(Cluster, '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/Cluster', 'Cluster'),
  'keda.sh/v1alpha1/ScaledObject': entry(ScaledObject, '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject', 'ScaledObject'),
  'monitoring.coreos.com/v1/PodMonitor': entry(PodMonitor, '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor', 'PodMonitor'),
  'monitoring.coreos.com/v1/PrometheusRule': entry(
    PrometheusRule,
    '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule',
    'PrometheusRule',
  ),
  'redis.redis.opstreelabs.in/v1beta2/Redis': { typeModule: REDIS_TYPES, typeName: 'IRedis', validate: redisOperatorProblems },
  'redis.redis.opstreelabs.in/v1beta2/RedisCluster': { typeModule: REDIS_TYPES, typeName: 'IRedisCluster', validate: redisOperatorProblems },
};

function schemaFor(object: KubeObject): Schema | undefined {
  return SCHEMAS[`${object.apiVersion}/${object.kind}`];
}

/** What breaks the object's schema; an object of a kind without a schema is a problem itself. */
export function schemaProblems(object: KubeObject): string[] {
  const schema = schemaFor(object);
  if (!schema) return [`no schema for ${object.apiVersion} ${object.kind}: add its model to tools/k8s/src/schemas.ts`];
  return schema.validate(object);
}

/**
 * What the kubernetes-models validators let through: a field the API does not have (a typo, a
 * field at the wrong level) passes them, and is dropped or refused by the API server. Each object
 * becomes a constant of its kind's TypeScript type, and the compiler names a property its type does
 * not declare or a value of the wrong type (the first it meets in each object, so a fixed object
 * can show the next). Returns `<label>: <object>: <line>: <problem>`.
 */
export function typeProblems(objects: ReadonlyArray<{ label: string; object: KubeObject }>, root: string): string[] {
  const typed = objects.map(({ label, object }) => ({ label: `${label}: ${objectName(object)}`, object, schema: schemaFor(object) }));
  const aliases = new Map<Schema, string>();
  const lines: string[] = [];
  for (const { schema } of typed) {
    if (!schema || aliases.has(schema)) continue;
    const alias = `T${aliases.size}`;
    aliases.set(schema, alias);
    lines.push(`import type { ${schema.typeName} as ${alias} } from ${JSON.stringify(schema.typeModule)};`);
  }
  const owners: Array<{ firstLine: number; label: string }> = [];
  typed.forEach(({ label, object, schema }, i) => {
    if (!schema) return;
    owners.push({ firstLine: lines.length, label });
    lines.push(...`export const o${i}: ${aliases.get(schema)} = ${JSON.stringify(object, null, 1)};`.split('\n'));
  });

  const file = join(root, 'tools/k8s/rendered-manifests.ts');
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) => (name === file ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, ...rest));
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (d.file?.fileName !== file || d.start === undefined) return `${d.file?.fileName ?? 'compiler'}: ${message}`;
    const line = d.file.getLineAndCharacterOfPosition(d.start).line;
    const owner = [...owners].reverse().find((o) => o.firstLine <= line);
    return `${owner?.label ?? 'imports'}: ${lines[line].trim()}: ${message}`;
  });
}
