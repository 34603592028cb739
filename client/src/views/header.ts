import { getLocale, onLocaleChange, setLocale, t, translatedElement } from '../i18n';
import { element } from './dom';

/** The title bar: product name, subtitle, the view tabs, the signed-in user's badge and the language switch. */
export function renderHeader(container: HTMLElement, viewTabs: HTMLElement, userBadge: HTMLElement): void {
  const localeSwitch = translatedElement('button', 'locale.switch', 'locale-switch');
  localeSwitch.id = 'locale-switch';
  localeSwitch.type = 'button';
  const updateTitle = () => (localeSwitch.title = t('locale.switchTitle'));
  updateTitle();
  onLocaleChange(updateTitle);
  localeSwitch.addEventListener('click', () => setLocale(getLocale() === 'en' ? 'zh-CN' : 'en'));

  const brand = element('div', 'brand', translatedElement('h1', 'app.title'));
  brand.append(translatedElement('span', 'app.subtitle', 'subtitle'));
  container.replaceChildren(brand, viewTabs, userBadge, localeSwitch);
}
