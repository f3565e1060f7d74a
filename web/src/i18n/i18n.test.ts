import { describe, expect, it } from 'vitest';
import { en } from './en';
import { zh } from './zh';
import { detectLang, format } from './index';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n', () => {
  it('every key exists in both languages, with text', () => {
    const ek = Object.keys(en).sort();
    const zk = Object.keys(zh).sort();
    expect(zk).toEqual(ek);
    for (const k of ek) {
      expect(en[k as keyof typeof en].trim(), k).not.toBe('');
      expect(zh[k as keyof typeof zh].trim(), k).not.toBe('');
    }
  });
  it('both languages use the same placeholders', () => {
    for (const k of Object.keys(en) as (keyof typeof en)[]) expect(placeholders(zh[k]), k).toEqual(placeholders(en[k]));
  });
  it('Chinese strings are translated (not copied English) where they hold words', () => {
    const same = (Object.keys(en) as (keyof typeof en)[]).filter((k) => en[k] === zh[k] && /[a-z]{4,}/.test(en[k]) && !k.startsWith('kind.'));
    expect(same).toEqual([]);
  });
  it('every key used in the source exists', async () => {
    const files = import.meta.glob('../**/*.tsx', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
    const used = new Set<string>();
    for (const [path, text] of Object.entries(files)) {
      if (path.includes('.test.')) continue;
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z]+\.[a-zA-Z0-9_.]+)'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(100);
    const missing = [...used].filter((k) => !(k in en));
    expect(missing).toEqual([]);
  });
  it('formats placeholders and leaves unknown ones', () => {
    expect(format('{n} of {m}', { n: 1 })).toBe('1 of {m}');
  });
  it('detects the language from storage, then navigator', () => {
    localStorage.setItem('sparouter.lang', 'zh');
    expect(detectLang()).toBe('zh');
    localStorage.clear();
    expect(['en', 'zh']).toContain(detectLang());
  });
});
