import { formatNumber, t } from '../i18n';

const SQUARE_METRES_PER_KM2 = 1_000_000;

/** An area in m² written in km², e.g. "0.42 平方公里". */
export const formatAreaKm2 = (areaM2: number): string =>
  t('unit.km2', { value: formatNumber(areaM2 / SQUARE_METRES_PER_KM2, 2) });

/** A duration in seconds as "45 秒" or "3 分 05 秒". */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return t('unit.seconds', { s: whole });
  return t('unit.minutes', { m: Math.floor(whole / 60), s: String(whole % 60).padStart(2, '0') });
}

/** A share (0–1) as a percentage, e.g. formatPercent(0.722, 1) → "72.2%". */
export const formatPercent = (share: number, digits = 0): string => `${formatNumber(100 * share, digits)}%`;

/** A Polsby-Popper compactness (0–1) with two decimals. */
export const formatCompactness = (value: number): string => formatNumber(value, 2, 2);
