import { documentNesting } from '../src/graphql/input-guard';

describe('documentNesting', () => {
  it('counts parentheses, brackets and braces', () => {
    expect(documentNesting('{ health { status } }')).toBe(2);
    expect(documentNesting('query($a: [[ID!]]) { x(a: $a) { y } }')).toBe(3);
    expect(documentNesting(`{ x(id: ${'['.repeat(70)}1${']'.repeat(70)}) }`)).toBe(72);
  });

  it('ignores what strings, block strings and comments hold', () => {
    expect(documentNesting('{ x(a: "[[[{{{(((") }')).toBe(2);
    expect(documentNesting('{ x(a: "esc \\" [[[") }')).toBe(2);
    expect(documentNesting('{ x(a: """ block \\""" [[[ """) }')).toBe(2);
    expect(documentNesting('{ x } # [[[[[[\n{ y }')).toBe(1);
  });

  it('stops at a string left open (the lexer stops there too)', () => {
    expect(documentNesting('{ x(a: "open [[[[[[')).toBe(2);
    expect(documentNesting('{ x(a: """open [[[[[[')).toBe(2);
  });
});
