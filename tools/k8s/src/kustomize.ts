import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

/** One Kubernetes object as kustomize renders it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/**
 * Renders a kustomization with `kubectl kustomize` (no cluster needed) and parses its objects.
 * Throws with kubectl's own message when the kustomization does not build.
 */
export function renderKustomization(dir: string): KubeObject[] {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`cannot run kubectl (needed to render ${dir}; deploy/local/ensure-test-tools.sh checks for it): ${result.error.message}`);
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${result.stderr.trim()}`);
  return parseAllDocuments(result.stdout).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`kubectl kustomize ${dir} printed invalid YAML: ${doc.errors[0].message}`);
    return doc.toJS() as KubeObject;
  });
}

/** `kind/name`, how problems name an object. */
export function objectName(object: KubeObject): string {
  return `${object.kind}/${object.metadata.name}`;
}
