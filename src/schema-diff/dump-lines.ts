/**
 * A `pg_dump --schema-only` text as the line-by-line scan needs it: one line per line of SQL,
 * where a string literal (`'…'`, `E'…'`) or a quoted identifier (`"…"`) that spans lines is kept
 * on one line, its line breaks written `\n`. So a table named `"order
 * items"` reads as one `CREATE TABLE` line, and a default whose text holds
 * `CREATE TABLE decoy (` stays inside its column's line instead of passing for a statement.
 * Dollar-quoted bodies (`$$…$$`, `$tag$…$tag$`) and `--` comments are passed over, so a quote in
 * them opens nothing, and so does pg_dump's `-- Name: …; Type: …` comment, which writes a name's
 * line break as it is. The scan reads function bodies itself.
 */
export function logicalLines(dump: string): string[] {
  const out: string[] = [];
  let pending = '';
  /** What the text is inside of at the end of the line read so far. */
  let inside: { kind: "'" | '"' | 'E' } | { kind: '$'; tag: string } | undefined;
  /** In pg_dump's `-- Name: …; Type: …` comment, whose name may hold a line break: until `; Type: `. */
  let tocComment = false;
  for (const line of dump.split('\n')) {
    if (tocComment || (!inside && !pending && /^-- (?:Data for )?Name: /.test(line))) {
      // One comment line, as the scan expects it, with the name's line break written \n.
      if (tocComment) out[out.length - 1] += `\\n${line}`;
      else out.push(line);
      tocComment = !/; Type: /.test(line);
      continue;
    }
    let i = 0;
    while (i < line.length) {
      if (inside?.kind === '$') {
        const end = line.indexOf(inside.tag, i);
        if (end < 0) break;
        i = end + inside.tag.length;
        inside = undefined;
        continue;
      }
      if (inside) {
        const quote = inside.kind === '"' ? '"' : "'";
        const c = line[i] as string;
        if (inside.kind === 'E' && c === '\\') {
          i += 2;
          continue;
        }
        if (c === quote) {
          if (line[i + 1] === quote) i += 2;
          else {
            inside = undefined;
            i++;
          }
          continue;
        }
        i++;
        continue;
      }
      const c = line[i] as string;
      if (c === '-' && line[i + 1] === '-') break;
      if (c === "'") inside = { kind: /[Ee]$/.test(line.slice(0, i)) && !/[A-Za-z0-9_$][Ee]$/.test(line.slice(0, i)) ? 'E' : "'" };
      else if (c === '"') inside = { kind: '"' };
      else if (c === '$') {
        const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(line.slice(i))?.[0];
        if (tag && !/[A-Za-z0-9_]$/.test(line.slice(0, i))) {
          inside = { kind: '$', tag };
          i += tag.length;
          continue;
        }
      }
      i++;
    }
    const joined = pending ? `${pending}\\n${line}` : line;
    if (inside && inside.kind !== '$') pending = joined;
    else {
      out.push(joined);
      pending = '';
    }
  }
  if (pending) out.push(pending);
  return out;
}
