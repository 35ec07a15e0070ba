import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { closeClients } from './clients';
import { distSize } from './dist-size';
import { describeMachine } from './machine';
import { pluginPath } from './plugin-path';
import { recordWrite } from './record-write';
import { regionComposite } from './region-composite';
import { relayMemory } from './relay-memory';
import { relayInstances } from './relay-instances';
import { relayOverhead } from './relay-overhead';
import { relayProfile } from './relay-profile';
import { type Measured, renderConsole, renderReport, type Section } from './report';

const started = performance.now();
const machine = describeMachine();
console.log(`Reimage bench on ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB, Node ${machine.node}, load ${machine.loadAtStart.toFixed(1)}`);

/** `npm run bench -- --only composite` runs the sections whose title has that text, prints them and leaves BENCHMARKS.md as it is. */
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1]?.toLowerCase() : undefined;

const sections: Section[] = [];
const measures: [string, () => Promise<Measured>][] = [
  ['Size of the built plugin', distSize],
  ['Relay overhead', relayOverhead],
  ["Writing a job's record first", recordWrite],
  ["Where the relay's time goes", relayProfile],
  ['Relay memory', relayMemory],
  ['Several instances on one database', relayInstances],
  ["Plugin path: from the relay's answer to the node on the canvas", pluginPath],
  ['Edit inside a shape: the composite at 2048 px', regionComposite],
];
for (const [title, measure] of measures.filter(([title]) => only === undefined || title.toLowerCase().includes(only))) {
  const begin = performance.now();
  // One measure failing must not lose the others: its section says what went wrong instead.
  const measured = await measure().catch(
    (error: Error): Measured => ({ method: `**This measure failed in this run:** ${error.message.split('\n')[0]}`, columns: [], rows: [] }),
  );
  const section: Section = { title, ...measured };
  console.log(`${renderConsole([section])}\n(${((performance.now() - begin) / 1000).toFixed(0)} s)\n`);
  sections.push(section);
}
await closeClients();
if (only !== undefined) process.exit(0);

const report = renderReport(machine, sections, { durationS: (performance.now() - started) / 1000, loadAtEnd: loadavg()[0] });
writeFileSync(fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url)), report);
console.log('Wrote BENCHMARKS.md');
