import { fetchHealth } from '../api/gridatlas-api';
import type { HealthStatus } from '../api/types';
import { onLocaleChange, t } from '../i18n';
import { element } from './dom';

/** A footer naming the database backend and PostGIS version the server runs on. */
export function renderStatusLine(): HTMLElement {
  const line = element('footer', 'status-line');
  let health: HealthStatus | undefined;
  const render = () => {
    line.textContent = health ? t('status.backend', { backend: health.backend, postgis: health.postgis }) : '';
  };
  onLocaleChange(render);
  fetchHealth()
    .then((status) => {
      health = status;
      render();
    })
    .catch(() => line.remove());
  return line;
}
