import type { Site } from '@lifeboat/core';
import { type DocsContext, imagesAt, policiesOf } from '../context.js';
import { type FlowEdge, type FlowGroup, flowchart } from '../markdown/mermaid.js';

// Where each copy of a site's data goes: sources → NAS targets → offsite remotes, and image replicas.
// Schedules stay out of it, so a schedule change does not touch the diagram.

export const siteDiagram = (ctx: DocsContext, site: Site): string => {
  const name = site.metadata.name;
  const ids = new Map<string, string>();
  const id = (key: string) => {
    let v = ids.get(key);
    if (v === undefined) {
      v = `n${ids.size + 1}`;
      ids.set(key, v);
    }
    return v;
  };
  const policies = policiesOf(ctx, name);
  const images = imagesAt(ctx, name);
  const sources: FlowGroup = { id: 'sources', label: 'Sources', nodes: [] };
  const nas: FlowGroup = { id: 'nas', label: `NAS targets at ${name}`, nodes: [] };
  const remote: FlowGroup = { id: 'elsewhere', label: 'Other sites', nodes: [] };
  const offsite: FlowGroup = { id: 'offsite', label: 'Offsite', nodes: [] };
  const edges: FlowEdge[] = [];
  const targetNode = (siteName: string, target: string) => {
    const key = `target:${siteName}/${target}`;
    if (!ids.has(key)) {
      const group = siteName === name ? nas : remote;
      group.nodes.push({
        id: id(key),
        label: siteName === name ? target : `${siteName} / ${target}`,
        shape: 'store',
      });
    }
    return id(key);
  };
  const remoteNode = (siteName: string, remoteName: string) => {
    const key = `remote:${siteName}/${remoteName}`;
    if (!ids.has(key)) {
      const r = ctx.sites
        .find((s) => s.metadata.name === siteName)
        ?.spec.offsite?.find((o) => o.name === remoteName);
      offsite.nodes.push({
        id: id(key),
        label: r ? `${remoteName}: ${r.remote}:${r.path}` : remoteName,
        shape: 'store',
      });
    }
    return id(key);
  };
  for (const t of site.spec.nas) targetNode(name, t.name);
  for (const policy of policies) {
    const src = id(`policy:${policy.metadata.name}`);
    sources.nodes.push({
      id: src,
      label: `${policy.spec.host ?? 'runner'}: ${policy.spec.sources.paths.join(', ')}`,
      shape: 'round',
    });
    const target = targetNode(name, policy.spec.repository.target);
    edges.push({ from: src, to: target, label: `${policy.metadata.name} → ${policy.spec.repository.path}` });
    if (policy.spec.offsite)
      edges.push({
        from: target,
        to: remoteNode(name, policy.spec.offsite.remote),
        label: `offsite ${policy.metadata.name}`,
      });
  }
  for (const image of images) {
    const { primary, replicas = [], offsite: copies = [] } = image.spec.stores;
    const src = id(`image:${image.metadata.name}`);
    sources.nodes.push({
      id: src,
      label: `image ${image.metadata.name} ${image.spec.version}`,
      shape: 'round',
    });
    const main = targetNode(primary.site, primary.target);
    edges.push({ from: src, to: main, label: 'capture' });
    for (const r of replicas)
      edges.push({ from: main, to: targetNode(r.site, r.target), label: `replica ${image.metadata.name}` });
    for (const o of copies)
      edges.push({ from: main, to: remoteNode(o.site, o.remote), label: `offsite ${image.metadata.name}` });
  }
  return flowchart([sources, nas, remote, offsite], edges);
};
