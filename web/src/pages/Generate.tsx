import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { endpoints } from '../api/endpoints';
import { GENERATED_FILES, type GenerateResult } from '../api/types';
import { Code } from '../components/Code';
import { ErrorBox, Loading, Modal, formatTime, warningText } from '../components/ui';
import { useNotify } from '../components/toast';
import { useI18n, useT } from '../i18n';
import { loadBaseline, saveBaseline } from '../lib/baseline';
import { diffRows } from '../lib/diff';
import { statusFacts } from '../lib/status';

function DiffView({ before, after, label }: { before: string; after: string; label: string }) {
  const t = useT();
  const { rows, added, removed } = useMemo(() => diffRows(before, after), [before, after]);
  if (added === 0 && removed === 0) return <div className="state empty">{t('generate.noChanges')}</div>;
  return (
    <div className="diff" role="region" aria-label={label} tabIndex={0}>
      <div className="diff-stat">
        <span className="add-text">+{added}</span> <span className="del-text">−{removed}</span>
      </div>
      <table>
        <tbody>
          {rows.map((r, i) =>
            r.kind === 'skip' ? (
              <tr key={i} className="skip">
                <td colSpan={3}>{t('generate.folded', { n: r.skipped ?? 0 })}</td>
              </tr>
            ) : (
              <tr key={i} className={r.kind}>
                <td className="ln">{r.oldNo ?? ''}</td>
                <td className="ln">{r.newNo ?? ''}</td>
                <td className="txt">
                  <span className="sign" aria-hidden="true">
                    {r.kind === 'add' ? '+' : r.kind === 'del' ? '−' : ' '}
                  </span>
                  <span className="sr-only">{r.kind === 'add' ? t('generate.added') : r.kind === 'del' ? t('generate.removed') : ''}</span>
                  {r.text}
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}

type View = 'file' | 'diff';

/** The files of the active version: from the server (CONFIG_DIR/current), else the copy this
 * browser kept when it applied them (lib/baseline.ts), e.g. against an older server. */
function useBaseline(activeVersion: string | null, appliedTick: number) {
  const active = useQuery({ queryKey: ['generate-active'], queryFn: endpoints.activeFiles, staleTime: 0, retry: false });
  return useMemo(() => {
    const server = active.data;
    if (server && server.version && server.version === activeVersion) {
      return { files: server.files, source: 'server' as const };
    }
    const local = loadBaseline(activeVersion);
    return local ? { files: local.files, source: 'local' as const } : { files: null, source: null };
    // appliedTick: re-read the browser's copy after an apply from this page.
  }, [activeVersion, appliedTick, active.data]);
}

export function GeneratePage() {
  const { t, lang } = useI18n();
  const qc = useQueryClient();
  const notify = useNotify();
  const status = useQuery({ queryKey: ['status'], queryFn: endpoints.status });
  const gen = useQuery({ queryKey: ['generate'], queryFn: endpoints.generate, staleTime: 0, gcTime: 0 });
  const facts = statusFacts(status.data);
  const [appliedTick, setAppliedTick] = useState(0);
  const baseline = useBaseline(facts.version, appliedTick);
  const [file, setFile] = useState<string>(GENERATED_FILES[0]);
  const [view, setView] = useState<View>('file');
  const [confirm, setConfirm] = useState(false);
  const [applied, setApplied] = useState<{ version: string; applied_at: string } | null>(null);
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);

  const apply = useMutation({
    mutationFn: async () => {
      const preview = gen.data;
      const r = await endpoints.apply();
      // Keep the applied files as the baseline of later diffs (see lib/baseline.ts).
      let files: GenerateResult['files'] | null = preview && preview.version === r.version ? preview.files : null;
      if (!files) {
        try {
          const after = await endpoints.generate();
          if (after.version === r.version) files = after.files;
        } catch {
          /* no baseline this time */
        }
      }
      if (files) saveBaseline(r.version, files);
      return r;
    },
    onSuccess: (r) => {
      setApplied({ version: r.version, applied_at: r.applied_at });
      setAppliedTick((n) => n + 1);
      setConfirm(false);
      notify(t('generate.appliedToast', { version: r.version.slice(0, 12) }));
      qc.invalidateQueries({ queryKey: ['status'] });
      qc.invalidateQueries({ queryKey: ['generate'] });
      qc.invalidateQueries({ queryKey: ['generate-active'] });
      qc.invalidateQueries({ queryKey: ['models'] });
    },
  });

  const files = gen.data?.files ?? {};
  const names = [...GENERATED_FILES.filter((f) => f in files), ...Object.keys(files).filter((f) => !(GENERATED_FILES as readonly string[]).includes(f))];
  const shown = names.includes(file) ? file : names[0];
  const warnings = gen.data?.warnings ?? [];
  const sameAsActive = Boolean(gen.data && facts.version && gen.data.version === facts.version);

  const onTabKey = (e: KeyboardEvent, i: number) => {
    const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!d) return;
    e.preventDefault();
    const j = (i + d + names.length) % names.length;
    setFile(names[j]);
    tabs.current[j]?.focus();
  };

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>{t('generate.title')}</h1>
          <p className="muted">{t('generate.subtitle')}</p>
        </div>
        <div className="btn-row">
          <button type="button" className="btn" onClick={() => gen.refetch()} disabled={gen.isFetching}>
            {gen.isFetching ? t('generate.generating') : t('generate.regenerate')}
          </button>
          <button type="button" className="btn primary" onClick={() => (apply.reset(), setConfirm(true))} disabled={!gen.data || apply.isPending}>
            {t('generate.apply')}
          </button>
        </div>
      </div>

      <div className="card versions">
        <dl className="facts">
          <div>
            <dt>{t('generate.activeVersion')}</dt>
            <dd>{status.isPending ? '…' : facts.version ? <code>{facts.version}</code> : <span className="muted">{t('status.notApplied')}</span>}</dd>
          </div>
          <div>
            <dt>{t('generate.previewVersion')}</dt>
            <dd>{gen.data ? <code>{gen.data.version}</code> : '…'}</dd>
          </div>
          <div>
            <dt>{t('generate.state')}</dt>
            <dd>{!gen.data || status.isPending ? '…' : sameAsActive ? <span className="tag ok">{t('generate.upToDate')}</span> : <span className="tag warn">{t('generate.notApplied')}</span>}</dd>
          </div>
        </dl>
        {applied && (
          <div className="state ok" role="status">
            {t('generate.appliedBanner', { version: applied.version, time: formatTime(applied.applied_at, lang) })}
          </div>
        )}
      </div>

      {gen.isPending ? (
        <Loading label={t('generate.generating')} />
      ) : gen.isError ? (
        <ErrorBox error={gen.error} retry={() => gen.refetch()} />
      ) : (
        <>
          {warnings.length > 0 && (
            <div className="state warn" role="status">
              <strong>{t('generate.warnings', { n: warnings.length })}</strong>
              <ul>
                {warnings.map((w, i) => (
                  <li key={i}>{warningText(w)}</li>
                ))}
              </ul>
            </div>
          )}
          <div className="card flush">
            <div className="file-bar">
              <div role="tablist" aria-label={t('generate.files')} className="tabs">
                {names.map((n, i) => (
                  <button
                    key={n}
                    ref={(el) => {
                      tabs.current[i] = el;
                    }}
                    type="button"
                    role="tab"
                    id={`tab-${i}`}
                    aria-selected={n === shown}
                    aria-controls="file-panel"
                    tabIndex={n === shown ? 0 : -1}
                    className={n === shown ? 'active' : undefined}
                    onClick={() => setFile(n)}
                    onKeyDown={(e) => onTabKey(e, i)}
                  >
                    {n}
                    {baseline.files && (baseline.files[n] ?? '') !== files[n] && (
                      <span className="changed-dot" title={t('generate.changed')}>
                        <span className="sr-only"> ({t('generate.changed')})</span>
                      </span>
                    )}
                  </button>
                ))}
              </div>
              <div className="seg-toggle" role="group" aria-label={t('generate.viewLabel')}>
                <button type="button" aria-pressed={view === 'file'} onClick={() => setView('file')}>
                  {t('generate.viewFile')}
                </button>
                <button type="button" aria-pressed={view === 'diff'} onClick={() => setView('diff')}>
                  {t('generate.viewDiff')}
                </button>
              </div>
            </div>
            <div id="file-panel" role="tabpanel" aria-labelledby={`tab-${names.indexOf(shown)}`} className="file-panel">
              {shown === undefined ? (
                <div className="state empty">{t('generate.noFiles')}</div>
              ) : view === 'file' ? (
                <Code code={files[shown]} path={shown} label={shown} />
              ) : baseline.files ? (
                <>
                  <div className="muted small baseline-note">
                    {t(baseline.source === 'server' ? 'generate.baselineServer' : 'generate.baselineLocal', {
                      version: facts.version?.slice(0, 12) ?? '',
                    })}
                  </div>
                  <DiffView before={baseline.files[shown] ?? ''} after={files[shown]} label={t('generate.diffOf', { file: shown })} />
                </>
              ) : (
                <div className="state empty">{facts.version ? t('generate.noBaseline') : t('generate.noActive')}</div>
              )}
            </div>
          </div>
        </>
      )}

      {confirm && (
        <Modal
          title={t('generate.applyTitle')}
          onClose={() => setConfirm(false)}
          footer={
            <>
              <button type="button" className="btn" onClick={() => setConfirm(false)}>
                {t('common.cancel')}
              </button>
              <button type="button" className="btn primary" onClick={() => apply.mutate()} disabled={apply.isPending}>
                {apply.isPending ? t('generate.applying') : t('generate.applyNow')}
              </button>
            </>
          }
        >
          <p>{t('generate.applyExplain', { version: gen.data?.version.slice(0, 12) ?? '' })}</p>
          {warnings.length > 0 && <p className="warn-text">{t('generate.applyWithWarnings', { n: warnings.length })}</p>}
          <ErrorBox error={apply.error} />
        </Modal>
      )}
    </div>
  );
}
