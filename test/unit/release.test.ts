import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

/** What .github/workflows/release.yml publishes as the notes of a release. */
const notes = (v: string, changelog = 'CHANGELOG.md') => execFileSync('awk', ['-v', `version=${v}`, '-f', '.github/release-notes.awk', changelog], { encoding: 'utf8', input: '' });

describe('release notes come from CHANGELOG.md', () => {
  it(`the version in package.json (${version}) has a section saying what changed for users`, () => {
    const text = notes(version);
    expect(text.trim().length).toBeGreaterThan(100);
    expect(text).not.toMatch(/^## /m);
  });

  it("a release's notes are its own section only, and a version CHANGELOG.md lacks has none", () => {
    const changelog = '# Changelog\n\n## [1.1.0] - 2027-01-02\n\n- Newer thing.\n\n## [1.0.0]\n\n- First thing.\n';
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'changelog-')), 'CHANGELOG.md');
    writeFileSync(file, changelog);
    expect(notes('1.1.0', file)).toBe('\n- Newer thing.\n\n');
    expect(notes('1.0.0', file)).toBe('\n- First thing.\n');
    expect(notes('1.0', file)).toBe('');
    expect(notes('2.0.0', file)).toBe('');
  });
});
