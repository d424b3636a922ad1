import { kafkaConfig, loadOperatorLinks, pepperConfig, readConfig, serviceConfig, type Env, type OperatorLinks } from '@parchee/config';

export interface IngressConfig {
  service: { port: number; host: string; logLevel: string; prettyLogs: boolean };
  kafka: { brokers: string[]; clientId?: string };
  pepper: { pepper: string; next?: string };
  links: OperatorLinks;
}

/** Read once at boot; the process refuses to start with a message naming each bad setting. */
export function loadIngressConfig(env: Env = process.env): IngressConfig {
  const base = readConfig({ service: serviceConfig(9101), kafka: kafkaConfig, pepper: pepperConfig }, env);
  return { ...base, links: loadOperatorLinks(env) };
}
