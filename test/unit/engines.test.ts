import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Lock {
  packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean }>;
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as Lock;
const using = (parse(readFileSync('action.yml', 'utf8')) as { runs: { using: string } }).runs.using;

/** `npm ci` warns EBADENGINE when a package wants a Node that package.json's `engines` allows and it does not. */
describe('engines', () => {
  it("every installed package accepts every Node version package.json's engines allows", () => {
    const refusing = Object.entries(lock.packages)
      .filter(([name]) => name !== '')
      .flatMap(([name, entry]) => {
        const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
        return range && !semver.subset(pkg.engines.node, range) ? [`${name.replace(/^.*node_modules\//, '')} wants ${range}`] : [];
      });
    expect(refusing).toEqual([]);
  });

  it('the Node action.yml declares is one engines allows', () => {
    expect(semver.satisfies(`${using.replace('node', '')}.0.0`, pkg.engines.node)).toBe(true);
  });
});
