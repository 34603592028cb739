import { translatedElement } from '../i18n';
import { element } from './dom';

/** How long a notice stays unless closed sooner. */
const SHOW_MS = 12_000;

/**
 * A notice at the top of the window for a request the server refused (403: a permission or an
 * area the user lacks), shown whatever the panel that sent it does with the error, so a refusal
 * is never silent. A newer one replaces it; it goes after a while or when closed.
 */
export class AccessNotice {
  readonly element = element('div', 'access-notice');
  private readonly text = element('span', 'access-notice-text');
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.element.id = 'access-notice';
    this.element.setAttribute('role', 'alert');
    this.element.hidden = true;
    const close = translatedElement('button', 'auth.notice.close', 'access-notice-close');
    close.type = 'button';
    close.addEventListener('click', () => this.hide());
    this.element.append(this.text, close);
  }

  show(message: string): void {
    this.text.textContent = message;
    this.element.hidden = false;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.hide(), SHOW_MS);
  }

  hide(): void {
    clearTimeout(this.timer);
    this.element.hidden = true;
  }
}
