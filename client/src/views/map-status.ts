import { t } from '../i18n';
import { element } from './dom';

/** A notice over the map while it loads, replaced by the error if loading fails. */
export class MapStatus {
  private readonly notice = element('div', 'map-status');

  constructor(mapContainer: HTMLElement) {
    this.notice.textContent = t('status.loading');
    mapContainer.append(this.notice);
  }

  done(): void {
    this.notice.remove();
  }

  failed(error: unknown): void {
    this.notice.classList.add('failed');
    this.notice.textContent = t('status.failed', { message: error instanceof Error ? error.message : String(error) });
  }
}
