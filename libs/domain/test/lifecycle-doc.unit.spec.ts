import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderLifecycleDoc } from '@maillage/domain';

const DOC = join(__dirname, '..', '..', '..', 'docs', 'lifecycle.md');

describe('docs/lifecycle.md', () => {
  it('is generated from the playbooks and up to date', () => {
    const expected = `${renderLifecycleDoc()}\n`;
    if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, expected);
    let actual = '';
    try {
      actual = readFileSync(DOC, 'utf8');
    } catch {
      // missing file: fall through to the failing assertion
    }
    // If this fails: UPDATE_DOCS=1 npx jest libs/domain/test/lifecycle-doc --selectProjects unit
    expect(actual).toBe(expected);
  });
});
