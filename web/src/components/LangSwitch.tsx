import { useI18n, type Lang } from '../i18n';

/** English / 简体中文, remembered in localStorage. */
export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <label className="lang-switch">
      <span className="sr-only">{t('common.language')}</span>
      <select value={lang} onChange={(e) => setLang(e.target.value as Lang)} aria-label={t('common.language')}>
        <option value="en">English</option>
        <option value="zh">简体中文</option>
      </select>
    </label>
  );
}
