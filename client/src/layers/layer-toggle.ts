import type { MapLibreMap } from 'maplibre-gl';
import type { MessageKey } from '../i18n';

/** One entry of the layer panel: something the user can show or hide. */
export interface LayerToggle {
  id: string;
  titleKey: MessageKey;
  /** CSS colour of the legend chip next to the toggle. */
  swatch: string;
  isVisible(): boolean;
  setVisible(visible: boolean): void;
}

export interface StyleLayerGroup {
  id: string;
  titleKey: MessageKey;
  swatch: string;
  /** MapLibre style layers shown and hidden together. */
  layerIds: string[];
}

/** A toggle that flips the `visibility` layout property of a group of MapLibre layers. */
export function styleLayerToggle(map: MapLibreMap, group: StyleLayerGroup): LayerToggle {
  return {
    id: group.id,
    titleKey: group.titleKey,
    swatch: group.swatch,
    isVisible: () => map.getLayoutProperty(group.layerIds[0], 'visibility') !== 'none',
    setVisible: (visible) => {
      for (const layerId of group.layerIds) map.setLayoutProperty(layerId, 'visibility', visible ? 'visible' : 'none');
    },
  };
}

/**
 * Hides a toggle's layers while a view that draws its own version of them is active, then
 * gives back whatever the user had chosen (e.g. the published grids while a draft is shown).
 */
export class SuspendedToggle {
  private wasVisible = false;

  constructor(private readonly toggle: LayerToggle | undefined) {}

  suspend(): void {
    this.wasVisible = this.toggle?.isVisible() ?? false;
    this.toggle?.setVisible(false);
  }

  resume(): void {
    this.toggle?.setVisible(this.wasVisible);
  }
}
