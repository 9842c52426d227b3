/** One line of a hunk: unchanged (' '), only in the base branch ('-'), only in the PR's branch ('+'). */
export interface DiffLine {
  kind: ' ' | '-' | '+';
  text: string;
}

export interface Hunk {
  /** What follows the second `@@`: git puts the nearest enclosing line there (`CREATE TABLE x (`). */
  section: string;
  lines: DiffLine[];
}

const HUNK_HEADER = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@ ?(.*)$/;

/**
 * The hunks of a unified diff, whatever wrote its file headers (`diff --git`, `Index:` and `===`
 * from jsdiff, plain `---`/`+++`). The line counts of each `@@` header decide where a hunk ends, so a
 * removed SQL comment (`--- Name: …`) is never taken for a file header. A blank line inside a hunk
 * is an unchanged blank line (tools and copy-paste drop the leading space).
 */
export function parseUnifiedDiff(diff: string): Hunk[] {
  const hunks: Hunk[] = [];
  let hunk: Hunk | undefined;
  let oldLeft = 0;
  let newLeft = 0;
  for (const line of diff.replace(/\r\n?/g, '\n').split('\n')) {
    const header = HUNK_HEADER.exec(line);
    if (header) {
      hunk = { section: header[3] ?? '', lines: [] };
      hunks.push(hunk);
      oldLeft = header[1] === undefined ? 1 : Number(header[1]);
      newLeft = header[2] === undefined ? 1 : Number(header[2]);
      continue;
    }
    if (!hunk || (oldLeft <= 0 && newLeft <= 0)) continue; // file headers, or text between files
    if (line.startsWith('\\')) continue; // "\ No newline at end of file"
    const kind = line[0];
    if (kind === '-' && oldLeft > 0) {
      hunk.lines.push({ kind: '-', text: line.slice(1) });
      oldLeft--;
    } else if (kind === '+' && newLeft > 0) {
      hunk.lines.push({ kind: '+', text: line.slice(1) });
      newLeft--;
    } else if ((kind === ' ' || line === '') && oldLeft > 0 && newLeft > 0) {
      hunk.lines.push({ kind: ' ', text: line.slice(1) });
      oldLeft--;
      newLeft--;
    } else {
      // A line the counts do not allow: the diff was cut or its counts are wrong; stop this hunk.
      oldLeft = 0;
      newLeft = 0;
    }
  }
  return hunks;
}

/** How many lines a diff adds and removes (its hunks' `+` and `-` lines, not the file headers). */
export function diffLineCounts(diff: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const hunk of parseUnifiedDiff(diff)) {
    for (const line of hunk.lines) {
      if (line.kind === '+') added++;
      else if (line.kind === '-') removed++;
    }
  }
  return { added, removed };
}
