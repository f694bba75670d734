/**
 * docs/data-protection.md tells a data protection officer which test shows each defence. Those
 * citations must stay true: every test it names exists, in the file it names, as a test (not just
 * a string somewhere), and every source file it names exists. Renaming or removing a test fails
 * here until the document says what shows the defence now.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const doc = readFileSync(`${root}docs/data-protection.md`, 'utf8');

/** The threat table: the rows of section 6 up to its residual risks, header and rule left out. */
function threatRows(): { threat: string; shownBy: string }[] {
  const section = doc.split('## 6. Threat model')[1]?.split('### Residual risks')[0] ?? '';
  return section
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| threat |') && !l.startsWith('|---'))
    .map((l) => {
      const cells = l.slice(2, -2).split(' | ');
      return { threat: cells[0] ?? '', shownBy: cells.at(-1) ?? '' };
    });
}

/** `test/…` "title" pairs, as the table writes them. */
const citations = (cell: string) => [...cell.matchAll(/`(test\/[^`]+)` "([^"]+)"/g)].map((m) => ({ file: m[1]!, title: m[2]! }));

/** Whether the file declares a test (it, it.each, test) whose title is exactly this. */
function declaresTest(source: string, title: string): boolean {
  for (const quote of ["'", '`', '"']) {
    for (const line of source.split('\n')) {
      const at = line.indexOf(`${quote}${title}${quote}`);
      if (at >= 0 && /\b(it|test)(\.each\(.*\))?\(\s*$/.test(line.slice(0, at))) return true;
    }
  }
  return false;
}

describe('docs/data-protection.md', () => {
  it('has a threat table in which every threat cites at least one test', () => {
    const rows = threatRows();
    expect(rows.length).toBeGreaterThanOrEqual(15);
    expect(rows.filter((r) => citations(r.shownBy).length === 0).map((r) => r.threat)).toEqual([]);
  });

  it('cites only tests that exist, by their exact name, in the file it names', () => {
    const missing = threatRows()
      .flatMap((r) => citations(r.shownBy))
      .filter(({ file, title }) => !existsSync(`${root}${file}`) || !declaresTest(readFileSync(`${root}${file}`, 'utf8'), title));
    expect(missing).toEqual([]);
  });

  it('names only source files that exist', () => {
    const named = [...new Set([...doc.matchAll(/`((?:src|test|demo)\/[\w./-]+\.(?:ts|yaml))`/g)].map((m) => m[1]!))];
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((f) => !existsSync(`${root}${f}`))).toEqual([]);
  });
});
