import { TOPIC_SPECS, Topics, type TopicSpec } from '@parchee/contracts';
import type { TopicDefinition } from '@parchee/messaging';

/**
 * The suite's topics, plus the MO/MT topics lookup was pointed at when they are not the usual
 * ones (a benchmark isolates itself that way), created with the same partitions and retention.
 */
export function lookupTopicSpecs(lookup: { moTopic: string; mtTopic: string }): TopicDefinition[] {
  const specs: TopicDefinition[] = [...TOPIC_SPECS];
  const like = (name: string, model: TopicSpec | undefined) => {
    if (model && !specs.some((s) => s.name === name)) specs.push({ ...model, name });
  };
  like(
    lookup.moTopic,
    TOPIC_SPECS.find((s) => s.name === Topics.MO),
  );
  like(
    lookup.mtTopic,
    TOPIC_SPECS.find((s) => s.name === Topics.MT),
  );
  return specs;
}
