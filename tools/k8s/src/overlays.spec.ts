import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { TOPIC_SPECS, Topics } from '@parchee/contracts';
import { objectName, renderKustomization, type KubeObject } from './kustomize';
import { schemaProblems, typeProblems } from './schemas';

const ROOT = resolve(__dirname, '../../..');
const OVERLAY_DIR = join(ROOT, 'deploy/k8s/overlays');
const OVERLAYS = readdirSync(OVERLAY_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

/** The Secrets the pods read and nothing creates from the repository, as docs/deploying-on-kubernetes.md lists them. */
const SECRETS: Readonly<Record<string, { keys?: string[] }>> = {
  'parchee-pepper': { keys: ['pepper'] },
  // One key per operator link's passwordEnv.
  'parchee-smpp-passwords': {},
  'parchee-redis': { keys: ['REDIS_PASSWORD'] },
  // Written by CloudNativePG for the cluster's application user.
  'parchee-pg-app': { keys: ['uri'] },
};

const SERVICES = [
  { name: 'parchee-ingress', kind: 'Deployment', port: 9101 },
  { name: 'parchee-lookup', kind: 'StatefulSet', port: 9102 },
  { name: 'parchee-egress', kind: 'Deployment', port: 9103 },
];

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}
interface Container {
  name: string;
  env?: EnvVar[];
  envFrom?: Array<{ secretRef?: { name: string } }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  startupProbe?: { httpGet?: { path: string; port: string | number } };
}
interface PodSpec {
  containers: Container[];
  volumes?: Array<{ name: string; secret?: { secretName: string } }>;
}
interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}
interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string };
}
interface NetworkPolicyRule {
  to?: NetworkPolicyPeer[];
  from?: NetworkPolicyPeer[];
  ports?: Array<{ port?: number | string }>;
}

const rendered = new Map<string, KubeObject[]>();

beforeAll(() => {
  for (const overlay of OVERLAYS) rendered.set(overlay, renderKustomization(join(OVERLAY_DIR, overlay)));
});

function objects(overlay: string): KubeObject[] {
  const list = rendered.get(overlay);
  if (!list) throw new Error(`overlay ${overlay} was not rendered`);
  return list;
}

function find(overlay: string, kind: string, name: string): KubeObject {
  const found = objects(overlay).find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${overlay} renders no ${kind}/${name}`);
  return found;
}

function spec<T>(object: KubeObject): T {
  return object.spec as T;
}

function podSpec(object: KubeObject): PodSpec | undefined {
  if (object.kind === 'Deployment' || object.kind === 'StatefulSet') return spec<{ template: { spec: PodSpec } }>(object).template.spec;
  if (object.kind === 'CronJob') return spec<{ jobTemplate: { spec: { template: { spec: PodSpec } } } }>(object).jobTemplate.spec.template.spec;
  return undefined;
}

function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpression = (selector.matchExpressions ?? []).every((e) =>
    e.operator === 'In' ? e.values?.includes(labels[e.key]) : e.operator === 'Exists' ? e.key in labels : false,
  );
  return byLabel && byExpression;
}

function ipv4(address: string): number | undefined {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + p, 0);
}

function inCidr(address: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const a = ipv4(address);
  const b = ipv4(base);
  if (a === undefined || b === undefined) return false;
  const size = 2 ** (32 - Number(bits));
  return Math.floor(a / size) === Math.floor(b / size);
}

function env(container: Container, name: string): EnvVar | undefined {
  return container.env?.find((e) => e.name === name);
}

function scaledObject(overlay: string, target: string): KubeObject | undefined {
  return objects(overlay).find((o) => o.kind === 'ScaledObject' && spec<{ scaleTargetRef: { name: string } }>(o).scaleTargetRef.name === target);
}

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  it('renders with kubectl kustomize, and every object is valid against its Kubernetes or CRD schema', () => {
    const problems = objects(overlay).flatMap((o) => schemaProblems(o).map((p) => `${objectName(o)}: ${p}`));
    expect(problems).toEqual([]);
    expect(objects(overlay).length).toBeGreaterThan(0);
  });

  it('includes no Secret, and the pods read only the Secrets the deployment guide lists, with their keys', () => {
    expect(objects(overlay).filter((o) => o.kind === 'Secret')).toEqual([]);
    const refs: Array<{ secret: string; key?: string; by: string }> = [];
    for (const object of objects(overlay)) {
      const pod = podSpec(object);
      for (const volume of pod?.volumes ?? []) if (volume.secret) refs.push({ secret: volume.secret.secretName, by: objectName(object) });
      for (const c of pod?.containers ?? []) {
        for (const e of c.env ?? [])
          if (e.valueFrom?.secretKeyRef) refs.push({ secret: e.valueFrom.secretKeyRef.name, key: e.valueFrom.secretKeyRef.key, by: objectName(object) });
        for (const from of c.envFrom ?? []) if (from.secretRef) refs.push({ secret: from.secretRef.name, by: objectName(object) });
      }
    }
    const unlisted = refs.filter(({ secret, key }) => !(secret in SECRETS) || (key !== undefined && !(SECRETS[secret].keys ?? [key]).includes(key)));
    expect(unlisted).toEqual([]);
    expect(refs.length).toBeGreaterThan(0);
    const guide = readFileSync(join(ROOT, 'docs/deploying-on-kubernetes.md'), 'utf8');
    for (const secret of new Set(refs.map((r) => r.secret))) expect(guide).toContain(secret);
  });

  it.each(SERVICES)(
    'runs $name as a $kind probed on /health/live and /health/ready of its own port, with requests and a memory limit',
    ({ name, kind, port }) => {
      const workload = find(overlay, kind, name);
      const [container] = podSpec(workload)?.containers ?? [];
      const named = (p: string | number | undefined) => (typeof p === 'number' ? p : container.ports?.find((x) => x.name === p)?.containerPort);
      expect(env(container, 'PORT')?.value).toBe(String(port));
      expect(env(container, 'HOST')?.value).toBe('0.0.0.0');
      expect(named(container.livenessProbe?.httpGet?.port)).toBe(port);
      expect(container.livenessProbe?.httpGet?.path).toBe('/health/live');
      expect(named(container.startupProbe?.httpGet?.port)).toBe(port);
      expect(container.readinessProbe?.httpGet?.path).toBe('/health/ready');
      expect(named(container.readinessProbe?.httpGet?.port)).toBe(port);
      expect(container.resources?.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources?.limits?.memory).toEqual(expect.any(String));
      const labels = spec<{ template: { metadata: { labels: Record<string, string> } } }>(workload).template.metadata.labels;
      const budgets = objects(overlay).filter((o) => o.kind === 'PodDisruptionBudget' && selects(spec<{ selector: LabelSelector }>(o).selector, labels));
      expect(budgets.map(objectName)).toEqual([`PodDisruptionBudget/${name}`]);
    },
  );

  it('names each lookup replica’s transactional ids after its pod, parchee-lookup-<ordinal>, which a restart keeps', () => {
    const [container] = podSpec(find(overlay, 'StatefulSet', 'parchee-lookup'))?.containers ?? [];
    expect(env(container, 'LOOKUP_INSTANCE_ID')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
  });

  it('reads lookup’s voters from the PostgreSQL replicas when the overlay runs some, and from the primary alone when it runs none', () => {
    const [container] = podSpec(find(overlay, 'StatefulSet', 'parchee-lookup'))?.containers ?? [];
    const instances = spec<{ instances: number }>(find(overlay, 'Cluster', 'parchee-pg')).instances;
    // parchee-pg-ro has no endpoint without a replica: every read would first fail there.
    expect(env(container, 'PARCHEE_DATABASE_READ_REPLICAS')?.value).toBe(instances > 1 ? 'parchee-pg-ro:5432' : undefined);
  });

  it('defines every variable an env value refers to before it, so the kubelet expands it', () => {
    const problems: string[] = [];
    for (const object of objects(overlay)) {
      for (const c of podSpec(object)?.containers ?? []) {
        const defined = new Set((c.envFrom ?? []).flatMap((f) => (f.secretRef ? (SECRETS[f.secretRef.name]?.keys ?? []) : [])));
        for (const e of c.env ?? []) {
          for (const [, ref] of (e.value ?? '').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) {
            if (!defined.has(ref)) problems.push(`${objectName(object)} ${c.name}: ${e.name} refers to ${ref} before it is defined`);
          }
          defined.add(e.name);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('points every service at the Redis the overlay runs', () => {
    const redis = objects(overlay).filter((o) => o.apiVersion.startsWith('redis.redis.opstreelabs.in/'));
    expect(redis.map((r) => r.metadata.name)).toEqual(['parchee-redis']);
    // The operator's client Service: the Redis's own name, or its leaders' for a cluster, which
    // only a cluster client (redis-cluster://) can use.
    const cluster = redis[0].kind === 'RedisCluster';
    const host = cluster ? 'parchee-redis-leader' : 'parchee-redis';
    for (const { name, kind } of SERVICES) {
      const [container] = podSpec(find(overlay, kind, name))?.containers ?? [];
      const url = new URL(env(container, 'PARCHEE_REDIS_URL')?.value ?? 'redis://unset');
      expect([url.protocol, url.hostname]).toEqual([cluster ? 'redis-cluster:' : 'redis:', host]);
    }
  });

  it('creates the topics of its profile on a cluster that can hold their copies, with internal topics replicated alike', () => {
    const kafka = find(overlay, 'Kafka', 'parchee');
    const config = spec<{ kafka: { config: Record<string, unknown> } }>(kafka).kafka.config;
    const brokers = objects(overlay)
      .filter((o) => o.kind === 'KafkaNodePool' && spec<{ roles: string[] }>(o).roles.includes('broker'))
      .reduce((n, pool) => n + spec<{ replicas: number }>(pool).replicas, 0);
    const topics = objects(overlay).filter((o) => o.kind === 'KafkaTopic');
    expect(topics.map((t) => spec<{ topicName: string }>(t).topicName).sort()).toEqual(TOPIC_SPECS.map((s) => s.name).sort());
    for (const topic of topics) {
      const { replicas, config: topicConfig } = spec<{ replicas: number; config: Record<string, string> }>(topic);
      expect(topic.metadata.labels?.['strimzi.io/cluster']).toBe('parchee');
      expect(replicas).toBe(config['default.replication.factor']);
      expect(Number(topicConfig['min.insync.replicas'])).toBe(config['min.insync.replicas']);
      expect(replicas).toBeLessThanOrEqual(brokers);
    }
    expect(config['offsets.topic.replication.factor']).toBe(config['default.replication.factor']);
    expect(config['transaction.state.log.replication.factor']).toBe(config['default.replication.factor']);
    expect(config['transaction.state.log.min.isr']).toBe(config['min.insync.replicas']);
    expect(config['auto.create.topics.enable']).toBe(false);
  });

  it('lets ingress and egress open SMPP connections to every operator link’s address and port', () => {
    const operators = objects(overlay).find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('parchee-operators'));
    const file = parse((operators?.data as Record<string, string>)['operators.yaml']) as {
      operators: Array<{ id: string; mode?: string; host: string; port: number }>;
    };
    const links = file.operators.filter((l) => (l.mode ?? 'client') === 'client');
    const unreachable: string[] = [];
    for (const { name, kind } of SERVICES.filter((s) => s.name !== 'parchee-lookup')) {
      const rules = objects(overlay)
        .filter((p) => p.kind === 'NetworkPolicy' && selects(spec<{ podSelector: LabelSelector }>(p).podSelector, podLabels(find(overlay, kind, name))))
        .flatMap((p) => spec<{ egress?: NetworkPolicyRule[] }>(p).egress ?? []);
      for (const link of links) {
        const destination = smppDestination(overlay, link.host, link.port);
        const allowed = rules.some(
          (rule) =>
            (rule.ports ?? [{}]).some((p) => p.port === undefined || p.port === destination.port) &&
            (rule.to ?? []).some((peer) =>
              destination.podLabels ? selects(peer.podSelector, destination.podLabels) : peer.ipBlock !== undefined && inCidr(link.host, peer.ipBlock.cidr),
            ),
        );
        if (!allowed) unreachable.push(`${name} -> ${link.id} (${link.host}:${link.port})`);
      }
    }
    expect(links.length).toBeGreaterThan(0);
    expect(unreachable).toEqual([]);
  });

  it('gives every egress replica a transmitter bind of every client link: the links’ bind budgets cover egress’s most replicas', () => {
    const operators = objects(overlay).find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('parchee-operators'));
    const file = parse((operators?.data as Record<string, string>)['operators.yaml']) as {
      operators: Array<{ id: string; mode?: string; transmitterBinds?: number }>;
    };
    const egress = find(overlay, 'Deployment', 'parchee-egress');
    const most =
      spec<{ maxReplicaCount: number } | undefined>(scaledObject(overlay, 'parchee-egress') ?? ({} as KubeObject))?.maxReplicaCount ??
      spec<{ replicas?: number }>(egress).replicas ??
      1;
    const short = file.operators
      .filter((l) => (l.mode ?? 'client') === 'client' && (l.transmitterBinds ?? 1) < most)
      .map((l) => `${l.id}: ${l.transmitterBinds ?? 1} transmitter binds for ${most} egress replicas`);
    expect(short).toEqual([]);
  });

  it('admits to PostgreSQL and Redis no client but Parchee’s on their client ports, and to Kafka’s listener no one else', () => {
    const admitted = (podLabelsOfEngine: Record<string, string>, port: number) =>
      objects(overlay)
        .filter((o) => o.kind === 'NetworkPolicy' && selects(spec<{ podSelector: LabelSelector }>(o).podSelector, podLabelsOfEngine))
        .flatMap((o) => spec<{ ingress?: NetworkPolicyRule[] }>(o).ingress ?? [])
        .filter((rule) => (rule.ports ?? [{}]).some((p) => p.port === undefined || p.port === port))
        .flatMap((rule) => rule.from ?? [{}]);
    const parcheeOrOwn = (peer: NetworkPolicyPeer, own: string) =>
      peer.podSelector !== undefined &&
      peer.namespaceSelector === undefined &&
      (selects({ matchLabels: { 'app.kubernetes.io/name': own } }, peer.podSelector.matchLabels ?? {}) ||
        (peer.podSelector.matchExpressions ?? []).every((e) => e.key === 'app.kubernetes.io/name' && e.values?.every((v) => v.startsWith('parchee-'))) ||
        Object.keys(peer.podSelector.matchLabels ?? {}).some((k) => k === 'cnpg.io/cluster'));
    const operatorNamespace = (peer: NetworkPolicyPeer, namespace: string) =>
      peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === namespace;
    const pg = admitted({ 'cnpg.io/cluster': 'parchee-pg', 'cnpg.io/podRole': 'instance' }, 5432);
    expect(pg.length).toBeGreaterThan(0);
    expect(pg.filter((p) => !parcheeOrOwn(p, 'parchee-pg') && !operatorNamespace(p, 'cnpg-system'))).toEqual([]);
    const redis = admitted({ 'app.kubernetes.io/name': 'parchee-redis' }, 6379);
    expect(redis.length).toBeGreaterThan(0);
    expect(redis.filter((p) => !parcheeOrOwn(p, 'parchee-redis') && !operatorNamespace(p, 'ot-operators'))).toEqual([]);
    const listeners = spec<{ kafka: { listeners: Array<{ port: number; networkPolicyPeers?: NetworkPolicyPeer[] }> } }>(find(overlay, 'Kafka', 'parchee')).kafka
      .listeners;
    for (const listener of listeners) {
      expect(listener.networkPolicyPeers?.length).toBeGreaterThan(0);
      expect(listener.networkPolicyPeers?.filter((p) => !parcheeOrOwn(p, 'none') && !operatorNamespace(p, 'keda'))).toEqual([]);
    }
  });

  it('scales lookup and egress no further than their topics’ partitions, and egress’s replicas hint covers its most replicas', () => {
    const partitions = new Map(TOPIC_SPECS.map((t) => [t.name as string, t.partitions]));
    for (const scaled of objects(overlay).filter((o) => o.kind === 'ScaledObject')) {
      const { maxReplicaCount, minReplicaCount, triggers } = spec<{
        maxReplicaCount: number;
        minReplicaCount: number;
        triggers: Array<{ type: string; metadata: Record<string, string> }>;
      }>(scaled);
      expect(minReplicaCount).toBeLessThanOrEqual(maxReplicaCount);
      for (const trigger of triggers) {
        expect(trigger.type).toBe('kafka');
        expect(partitions.get(trigger.metadata.topic)).toBeGreaterThanOrEqual(maxReplicaCount);
        expect(trigger.metadata.bootstrapServers).toBe(`parchee-kafka-bootstrap.${scaled.metadata.namespace}.svc:9092`);
      }
    }
    const egress = find(overlay, 'Deployment', 'parchee-egress');
    const most =
      spec<{ maxReplicaCount: number } | undefined>(scaledObject(overlay, 'parchee-egress') ?? ({} as KubeObject))?.maxReplicaCount ??
      spec<{ replicas?: number }>(egress).replicas ??
      1;
    const [container] = podSpec(egress)?.containers ?? [];
    expect(Number(env(container, 'EGRESS_REPLICAS_HINT')?.value)).toBeGreaterThanOrEqual(most);
    const lookup = scaledObject(overlay, 'parchee-lookup');
    if (lookup)
      expect(spec<{ triggers: Array<{ metadata: Record<string, string> }> }>(lookup).triggers[0].metadata).toMatchObject({
        topic: Topics.MO,
        consumerGroup: 'parchee-lookup',
      });
  });
});

function podLabels(object: KubeObject): Record<string, string> {
  if (object.kind !== 'Deployment' && object.kind !== 'StatefulSet') return {};
  return spec<{ template: { metadata: { labels: Record<string, string> } } }>(object).template.metadata.labels;
}

/**
 * Where a network policy sees an SMPP connection to host:port land: an address outside the
 * cluster as it is, or a Service of the overlay as the pods it selects, at the container port its
 * port targets.
 */
function smppDestination(overlay: string, host: string, port: number): { port: number | undefined; podLabels?: Record<string, string> } {
  const service = objects(overlay).find((o) => o.kind === 'Service' && o.metadata.name === host);
  if (!service) return { port };
  const { selector, ports } = spec<{ selector: Record<string, string>; ports: Array<{ port: number; targetPort: string | number }> }>(service);
  const target = ports.find((p) => p.port === port)?.targetPort;
  const pods = objects(overlay).find((o) => Object.keys(selector).length > 0 && selects({ matchLabels: selector }, podLabels(o)));
  const containerPort =
    typeof target === 'number'
      ? target
      : (podSpec(pods ?? service)?.containers ?? []).flatMap((c) => c.ports ?? []).find((p) => p.name === target)?.containerPort;
  return { port: containerPort, podLabels: selector };
}

describe('all overlays', () => {
  it('names no field its schema does not declare and gives every field a value of its type', () => {
    const all = OVERLAYS.flatMap((overlay) => objects(overlay).map((object) => ({ label: overlay, object })));
    expect(typeProblems(all, ROOT)).toEqual([]);
  });

  it('production scrapes the services under the jobs the alerts match (those of deploy/prometheus/prometheus.yml)', () => {
    const production = objects('production');
    const monitor = production.find((o) => o.kind === 'PodMonitor' && o.metadata.name === 'parchee-services');
    expect(spec<{ jobLabel: string }>(monitor ?? ({} as KubeObject)).jobLabel).toBe('app.kubernetes.io/name');
    for (const { name, kind } of SERVICES) {
      expect(selects(spec<{ selector: LabelSelector }>(monitor ?? ({} as KubeObject)).selector, podLabels(find('production', kind, name)))).toBe(true);
      expect(podLabels(find('production', kind, name))['app.kubernetes.io/name']).toMatch(/^parchee-/);
    }
    const scrape = parse(readFileSync(join(ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8')) as { scrape_configs: Array<{ job_name: string }> };
    expect(scrape.scrape_configs.map((j) => j.job_name).sort()).toEqual(SERVICES.map((s) => s.name).sort());
  });
});
