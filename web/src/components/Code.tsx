// Read-only code with syntax highlighting (highlight.js core with YAML and JSON only).
import hljs from 'highlight.js/lib/core';
import json from 'highlight.js/lib/languages/json';
import yaml from 'highlight.js/lib/languages/yaml';
import { useMemo } from 'react';

hljs.registerLanguage('json', json);
hljs.registerLanguage('yaml', yaml);

export function languageOf(path: string): 'json' | 'yaml' | null {
  if (path.endsWith('.json')) return 'json';
  if (path.endsWith('.yaml') || path.endsWith('.yml')) return 'yaml';
  return null;
}

/** highlight.js escapes the text it is given; its output is safe to set as HTML. */
export function highlight(code: string, lang: 'json' | 'yaml' | null): string {
  if (!lang) return code.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
}

export function Code({ code, path, label }: { code: string; path: string; label: string }) {
  const html = useMemo(() => highlight(code, languageOf(path)), [code, path]);
  const lines = useMemo(() => code.split('\n').length, [code]);
  return (
    <div className="code" role="region" aria-label={label} tabIndex={0}>
      <pre className="gutter" aria-hidden="true">
        {Array.from({ length: lines }, (_, i) => i + 1).join('\n')}
      </pre>
      <pre className="hl">
        <code dangerouslySetInnerHTML={{ __html: html }} />
      </pre>
    </div>
  );
}
