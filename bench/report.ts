import type { Machine } from './machine';

/** What one measure found: how it measured, each result against its target, and why a target was missed. */
export interface Measured {
  method: string;
  columns: string[];
  rows: string[][];
  notes?: string[];
}

/** One measure's part of BENCHMARKS.md. */
export interface Section extends Measured {
  title: string;
}

export const ms = (value: number): string => `${value.toFixed(1)} ms`;
export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
export const verdict = (pass: boolean): string => (pass ? 'pass' : '**miss**');

function table(columns: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(columns), line(columns.map(() => '---')), ...rows.map(line)].join('\n');
}

export function renderReport(machine: Machine, sections: Section[], run: { durationS: number; loadAtEnd: number }): string {
  const parts = [
    '# Benchmarks',
    'Written by `npm run bench` (not part of `npm test`). Everything runs on loopback: a fake provider with a fixed delay, the relay as its own process (`node --import tsx relay/main.ts`, as `npm run relay` runs it), and the load driver. Numbers are from one run on the machine below; run it again on yours.',
    table(
      ['CPU', 'cores', 'RAM', 'Node', 'platform', 'date', 'bench took', 'load average (1 min), start → end'],
      [
        [
          machine.cpu,
          String(machine.cores),
          `${machine.ramGiB} GiB`,
          machine.node,
          machine.platform,
          machine.date,
          `${run.durationS.toFixed(0)} s`,
          `${machine.loadAtStart.toFixed(1)} → ${run.loadAtEnd.toFixed(1)}`,
        ],
      ],
    ),
  ];
  for (const section of sections) {
    parts.push(`## ${section.title}`, section.method);
    if (section.rows.length > 0) parts.push(table(section.columns, section.rows));
    if (section.notes?.length) parts.push(section.notes.join('\n\n'));
  }
  return `${parts.join('\n\n')}\n`;
}

/** The same tables and notes for a terminal. */
export function renderConsole(sections: Section[]): string {
  return sections
    .map((section) =>
      [
        `== ${section.title}`,
        ...(section.rows.length > 0 ? [section.columns.join(' | '), ...section.rows.map((row) => row.join(' | '))] : [section.method]),
        ...(section.notes ?? []),
      ].join('\n'),
    )
    .join('\n\n');
}
