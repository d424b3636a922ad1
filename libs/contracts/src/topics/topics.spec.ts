import { isTopicProfileName, TOPIC_PROFILES, TOPIC_SPECS, topicSpecsFor, type TopicProfileName } from './topics';

const profiles = Object.keys(TOPIC_PROFILES) as TopicProfileName[];

describe('topic specs per profile', () => {
  it.each(profiles)('%s declares every topic with the partitions and retention of TOPIC_SPECS', (profile) => {
    const specs = topicSpecsFor(profile);
    expect(specs.map((s) => s.name)).toEqual(TOPIC_SPECS.map((s) => s.name));
    for (const spec of TOPIC_SPECS) {
      const replicated = specs.find((s) => s.name === spec.name);
      expect(replicated?.partitions).toBe(spec.partitions);
      expect(replicated?.config['retention.ms']).toBe(spec.config?.['retention.ms']);
    }
  });

  it('production keeps three copies of every partition and refuses a write that reaches fewer than two', () => {
    for (const spec of topicSpecsFor('production')) {
      expect(spec.replicationFactor).toBe(3);
      expect(spec.config['min.insync.replicas']).toBe('2');
    }
  });

  it('local keeps one copy on its one broker', () => {
    for (const spec of topicSpecsFor('local')) {
      expect(spec.replicationFactor).toBe(1);
      expect(spec.config['min.insync.replicas']).toBe('1');
    }
  });

  it('production keeps writing with one broker away, and no profile asks for more copies than it keeps', () => {
    expect(TOPIC_PROFILES.production.replicationFactor - TOPIC_PROFILES.production.minInsyncReplicas).toBe(1);
    for (const profile of profiles) expect(TOPIC_PROFILES[profile].minInsyncReplicas).toBeLessThanOrEqual(TOPIC_PROFILES[profile].replicationFactor);
  });

  it('knows its profiles by name and nothing else', () => {
    expect(isTopicProfileName('production')).toBe(true);
    expect(isTopicProfileName('local')).toBe(true);
    expect(isTopicProfileName('staging')).toBe(false);
    expect(isTopicProfileName('toString')).toBe(false);
  });

  it('gives each caller its own config, so a change to one cannot leak into TOPIC_SPECS', () => {
    const [first] = topicSpecsFor('production');
    (first.config as Record<string, string>)['retention.ms'] = '1';
    expect(TOPIC_SPECS[0].config?.['retention.ms']).not.toBe('1');
  });
});
