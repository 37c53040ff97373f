import { describe, expect, it } from 'vitest';
import { languageOf } from './syntax-language';

describe('languageOf', () => {
  it('knows common languages by extension or name', () => {
    expect(languageOf('src/app.tsx')).toBe('tsx');
    expect(languageOf('lib/x.MJS')).toBe('javascript');
    expect(languageOf('a/b/main.py')).toBe('python');
    expect(languageOf('Makefile')).toBe('makefile');
  });

  it('has none for unknown or extension-less files', () => {
    expect(languageOf('LICENSE')).toBeNull();
    expect(languageOf('.gitignore')).toBeNull();
    expect(languageOf('data.xyz')).toBeNull();
  });
});
