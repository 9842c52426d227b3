import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface ActionYml {
  inputs: Record<string, { required?: boolean; default?: string; description: string }>;
  outputs: Record<string, { description: string }>;
}

const action = parse(readFileSync('action.yml', 'utf8')) as ActionYml;
const readme = readFileSync('README.md', 'utf8');
const outputsWritten = [...readFileSync('src/report/outputs.ts', 'utf8').matchAll(/setOutput\('([a-z_-]+)'/g)].map((m) => m[1]);
const inputsRead = [...readFileSync('src/inputs/inputs.ts', 'utf8').matchAll(/read\('([a-z_-]+)'\)/g)].map((m) => m[1]);

/** The rows of the first table under `## heading`: first cell unquoted, then the others. */
function table(heading: string): Map<string, string[]> {
  const section = readme.split(/^## /m).find((s) => s.startsWith(`${heading}\n`)) ?? '';
  const rows = section.split('\n').filter((l) => /^\| `[a-z_-]+` \|/.test(l));
  return new Map(rows.map((l) => l.split('|').slice(1, -1).map((c) => c.trim())).map(([name = '', ...rest]) => [name.replace(/`/g, ''), rest]));
}

const sorted = (names: Iterable<string | undefined>) => [...new Set(names)].sort();

/** The README, action.yml and the code cannot drift apart. */
describe('README and action.yml agree', () => {
  it('every input is documented once, and only the inputs action.yml declares', () => {
    expect(sorted(table('Inputs').keys())).toEqual(sorted(Object.keys(action.inputs)));
  });

  it("each input's documented default is action.yml's, and required ones say so", () => {
    for (const [name, [readmeDefault = '']] of table('Inputs')) {
      const spec = action.inputs[name];
      if (spec?.required) expect([name, readmeDefault]).toEqual([name, '(required)']);
      else if (spec?.default) expect([name, readmeDefault]).toEqual([name, `\`${spec.default}\``]);
      else expect([name, readmeDefault]).not.toEqual([name, '(required)']);
    }
  });

  it('every output is documented, and only the outputs action.yml declares and the code writes', () => {
    expect(sorted(table('Outputs').keys())).toEqual(sorted(Object.keys(action.outputs)));
    expect(sorted(outputsWritten)).toEqual(sorted(Object.keys(action.outputs)));
  });

  it('the code reads exactly the inputs action.yml declares', () => {
    expect(sorted(inputsRead)).toEqual(sorted(Object.keys(action.inputs)));
  });

  it('the README shows every example workflow exactly as the file in .github/examples', () => {
    const files = readdirSync('.github/examples').filter((f) => f.endsWith('.yml'));
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const file of files) {
      const text = readFileSync(`.github/examples/${file}`, 'utf8').trimEnd();
      expect([file, readme.includes(`\`\`\`yaml\n${text}\n\`\`\``)]).toEqual([file, true]);
    }
  });
});
