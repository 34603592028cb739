import { NavigationControl, ScaleControl, type MapLibreMap } from 'maplibre-gl';
import { onLocaleChange, t, type MessageKey } from '../i18n';

/** MapLibre's control buttons and the UI string each one's tooltip shows. */
const CONTROL_TOOLTIPS: [selector: string, key: MessageKey][] = [
  ['.maplibregl-ctrl-zoom-in', 'map.zoomIn'],
  ['.maplibregl-ctrl-zoom-out', 'map.zoomOut'],
  ['.maplibregl-ctrl-attrib-button', 'map.toggleAttribution'],
];

/** Zoom buttons and a metric scale bar, with tooltips that follow the UI language. */
export function addMapControls(map: MapLibreMap): void {
  map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-right');
  const translateTooltips = () => {
    for (const [selector, key] of CONTROL_TOOLTIPS) {
      const button = map.getContainer().querySelector<HTMLElement>(selector);
      button?.setAttribute('title', t(key));
      button?.setAttribute('aria-label', t(key));
    }
  };
  translateTooltips();
  onLocaleChange(translateTooltips);
}
