import { describe, expect, it } from 'vitest';
import { OutputTail } from './output-tail.js';

describe('OutputTail', () => {
  it('keeps everything while it fits', () => {
    const tail = new OutputTail(16);
    tail.add(Buffer.from('hello '));
    tail.add(Buffer.from('world'));
    expect(tail.text()).toBe('hello world');
  });

  it('keeps only the last bytes of a long output', () => {
    const tail = new OutputTail(10);
    for (let i = 0; i < 100; i++) tail.add(Buffer.from(`line ${i}\n`));
    expect(tail.text()).toBe('8\nline 99\n');
  });

  it('starts and ends on whole UTF-8 characters', () => {
    const tail = new OutputTail(7);
    // "é" is 2 bytes, "€" 3: the last 7 bytes start inside a "€".
    tail.add(Buffer.from('abc€é€'));
    expect(tail.text()).toBe('é€');
    const cut = new OutputTail(100);
    const euro = Buffer.from('€');
    cut.add(Buffer.concat([Buffer.from('ok '), euro.subarray(0, 2)]));
    expect(cut.text()).toBe('ok ');
  });

  it('stays whole across many compactions', () => {
    const tail = new OutputTail(9);
    for (let i = 0; i < 1000; i++) tail.add(Buffer.from('€'));
    expect(tail.text()).toBe('€€€');
  });
});
