/**
 * Writes the Kubernetes manifests that are derived from another source of truth, so that they
 * cannot drift from it (tools/k8s's spec fails when a checked-in file differs from a fresh run):
 * each overlay's KafkaTopics and broker replication settings from the topic profiles in
 * @parchee/contracts, the PrometheusRule from deploy/prometheus/alerts.yml, and the Grafana
 * dashboards and datasource as ConfigMaps from deploy/grafana.
 *
 *   node -r @swc-node/register tools/k8s/generate.ts           # writes them
 *   node -r @swc-node/register tools/k8s/generate.ts --check   # exit 1 naming each stale file
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generatedFiles } from './src/generated-files';

const root = resolve(__dirname, '../..');
const check = process.argv.includes('--check');
const unknown = process.argv.slice(2).filter((a) => a !== '--check');
if (unknown.length > 0) {
  process.stderr.write(`generate: unknown argument ${unknown.join(' ')} (expected nothing or --check)\n`);
  process.exit(2);
}

const stale: string[] = [];
for (const file of generatedFiles(root)) {
  const target = join(root, file.path);
  const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  if (current === file.content) continue;
  stale.push(file.path);
  if (!check) writeFileSync(target, file.content);
}
if (check && stale.length > 0) {
  process.stderr.write(`generate: out of date, run node -r @swc-node/register tools/k8s/generate.ts: ${stale.join(', ')}\n`);
  process.exit(1);
}
process.stdout.write(stale.length === 0 ? 'generate: every file up to date\n' : `generate: wrote ${stale.join(', ')}\n`);
