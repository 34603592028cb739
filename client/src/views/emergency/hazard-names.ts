import type { ResponsePointKind } from '../../api/emergency-types';
import { hasMessage, t } from '../../i18n';

/** A hazard type's name in the UI language; a type we have no name for is shown as it is. */
export function hazardTypeName(type: string): string {
  const key = `hazard.type.${type}`;
  return hasMessage(key) ? t(key) : type;
}

export const responsePointKindName = (kind: ResponsePointKind): string => t(`reach.kind.${kind}`);

/** A ring distance: "500 米", or "源内" for 0 (inside the hazard area itself). */
export const ringName = (radiusM: number): string => (radiusM === 0 ? t('exposure.inside') : t('unit.metres', { value: radiusM }));
