import { hasMessage, t } from '../../i18n';

/** An event type's name in the current locale; a type the catalogue does not know shows as sent. */
export function eventTypeName(type: string): string {
  const key = `risk.type.${type}`;
  return hasMessage(key) ? t(key) : type;
}
