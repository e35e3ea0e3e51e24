import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/core/index.js';

describe('writeFileAtomic', () => {
  it('writes text and bytes, replacing an existing file, and leaves no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'provlrp-atomic-'));
    const path = join(dir, 'a.json');
    writeFileSync(path, 'old');
    writeFileAtomic(path, '{"new": true}');
    expect(readFileSync(path, 'utf8')).toBe('{"new": true}');
    writeFileAtomic(join(dir, 'b.bin'), Uint8Array.from([1, 2, 3]));
    expect(Array.from(readFileSync(join(dir, 'b.bin')))).toEqual([1, 2, 3]);
    expect(readdirSync(dir).sort()).toEqual(['a.json', 'b.bin']);
  });

  it('keeps the old file and removes the temporary one when the write fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'provlrp-atomic-'));
    // A folder in the way: the rename onto it fails after the temporary file was written.
    const blocked = join(dir, 'blocked');
    mkdirSync(blocked);
    writeFileSync(join(blocked, 'inside.txt'), 'kept');
    expect(() => writeFileAtomic(blocked, 'data')).toThrow();
    expect(readdirSync(dir)).toEqual(['blocked']);
    expect(readFileSync(join(blocked, 'inside.txt'), 'utf8')).toBe('kept');
  });
});
