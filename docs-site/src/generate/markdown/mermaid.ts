import { codeBlock, oneLine } from './escape.js';

// Mermaid flowcharts from inventory data: node ids are ours (n1, n2…), labels are always quoted, and
// every character that could end the quote, open HTML, start Markdown strings or close the fence is an entity.

/** Text for a quoted Mermaid label. */
export const mermaidLabel = (value: string): string =>
  oneLine(value).replace(/[#"<>&`{}[\]|\\;%]/g, (c) => `#${c.charCodeAt(0)};`);

export interface FlowNode {
  id: string;
  label: string;
  /** Shape: a box, a cylinder for stores, a rounded box for sources. */
  shape?: 'box' | 'store' | 'round';
}

export interface FlowEdge {
  from: string;
  to: string;
  label?: string;
}

export interface FlowGroup {
  id: string;
  label: string;
  nodes: FlowNode[];
}

const SHAPES = { box: ['[', ']'], store: ['[(', ')]'], round: ['(', ')'] } as const;

const node = (n: FlowNode): string => {
  const [open, close] = SHAPES[n.shape ?? 'box'];
  return `${n.id}${open}"${mermaidLabel(n.label)}"${close}`;
};

/** A `flowchart LR` in a ```mermaid fence. */
export const flowchart = (groups: readonly FlowGroup[], edges: readonly FlowEdge[]): string => {
  const lines = ['flowchart LR'];
  for (const group of groups) {
    if (group.nodes.length === 0) continue;
    lines.push(`  subgraph ${group.id}["${mermaidLabel(group.label)}"]`);
    for (const n of group.nodes) lines.push(`    ${node(n)}`);
    lines.push('  end');
  }
  for (const e of edges)
    lines.push(
      e.label === undefined
        ? `  ${e.from} --> ${e.to}`
        : `  ${e.from} -->|"${mermaidLabel(e.label)}"| ${e.to}`,
    );
  return codeBlock(lines.join('\n'), 'mermaid');
};
