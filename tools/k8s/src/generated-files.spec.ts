import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { TOPIC_SPECS } from '@parchee/contracts';
import { generatedFiles, grafanaConfigMaps, kafkaReplicationPatch, kafkaTopics, prometheusRule, PROMETHEUS_URL } from './generated-files';

const ROOT = resolve(__dirname, '../../..');

describe('generated manifests', () => {
  it.each(generatedFiles(ROOT).map((f) => [f.path, f]))('%s is what tools/k8s/generate.ts makes of its sources now', (_path, file) => {
    expect(readFileSync(join(ROOT, file.path), 'utf8')).toBe(file.content);
  });

  it('declares every topic with its name, partitions, retention and the profile’s copies', () => {
    const topics = kafkaTopics('production') as Array<{ metadata: { name: string }; spec: Record<string, unknown> }>;
    expect(topics.map((t) => t.spec.topicName)).toEqual(TOPIC_SPECS.map((s) => s.name));
    for (const [i, topic] of topics.entries()) {
      expect(topic.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(topic.spec).toMatchObject({
        partitions: TOPIC_SPECS[i].partitions,
        replicas: 3,
        config: { 'retention.ms': TOPIC_SPECS[i].config?.['retention.ms'], 'min.insync.replicas': '2' },
      });
    }
    expect(kafkaTopics('local').every((t) => (t as { spec: { replicas: number } }).spec.replicas === 1)).toBe(true);
  });

  it('keeps the broker’s internal topics (offsets, transactions) as replicated as the profile’s topics', () => {
    expect(kafkaReplicationPatch('production')).toMatchObject({
      spec: {
        kafka: {
          config: {
            'default.replication.factor': 3,
            'min.insync.replicas': 2,
            'offsets.topic.replication.factor': 3,
            'transaction.state.log.replication.factor': 3,
            'transaction.state.log.min.isr': 2,
          },
        },
      },
    });
  });

  it('carries every alert group of alerts.yml unchanged', () => {
    const alerts = readFileSync(join(ROOT, 'deploy/prometheus/alerts.yml'), 'utf8');
    expect((prometheusRule(alerts) as { spec: { groups: unknown } }).spec.groups).toEqual(parse(alerts).groups);
  });

  it('points the dashboards’ datasource at the in-cluster Prometheus, keeps its uid, and leaves the default to kube-prometheus-stack', () => {
    const source = 'apiVersion: 1\ndatasources:\n  - name: P\n    uid: parchee-prometheus\n    url: ${PROMETHEUS_URL}\n    isDefault: true\n';
    const [datasource, dashboard] = grafanaConfigMaps([{ file: 'parchee-abuse.json', json: '{"uid":"parchee-abuse"}\n' }], {
      file: 'p.yml',
      yaml: source,
    }) as Array<{
      metadata: { name: string };
      data: Record<string, string>;
    }>;
    expect(parse(datasource.data['p.yml']).datasources).toEqual([{ name: 'P', uid: 'parchee-prometheus', url: PROMETHEUS_URL, isDefault: false }]);
    expect(dashboard).toMatchObject({ metadata: { name: 'parchee-dashboard-abuse' }, data: { 'parchee-abuse.json': '{"uid":"parchee-abuse"}\n' } });
  });
});
