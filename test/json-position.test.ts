import { describe, expect, it } from 'vitest';
import { describePosition, jsonErrorPosition } from '../src/json-position.js';

describe('jsonErrorPosition', () => {
  it.each(['{}', '[]', ' {"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"], "b": {}} ', '"just a string"', '0'])(
    'accepts %s like JSON.parse does',
    (text) => {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(jsonErrorPosition(text)).toBeUndefined();
    },
  );

  it.each([
    ['{"a": Adding}', 6],
    ['{"a": 1,}', 8],
    ['{"a" 1}', 5],
    ['[1 2]', 3],
    ['{"a": "x\ny"}', 8],
    ['{"a": "\\q"}', 8],
    ['{"a": 01}', 7],
    ['', 0],
    ['{"a": 1} x', 9],
    ['{"a": tru}', 9],
  ])('finds where %j stops being JSON (%i), as JSON.parse refuses it', (text, position) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonErrorPosition(text)).toBe(position);
  });

  it('describes a position by line and column', () => {
    expect(describePosition('{\n  "a": x\n}', 9)).toBe('line 2, column 8 (position 9)');
  });
});
