import type { MapLibreMap, MapMouseEvent } from 'maplibre-gl';
import type { LayerToggle } from '../layers/layer-toggle';
import { areaCodeAt, outlineArea } from '../map/area-picking';
import { element } from './dom';
import { InspectPanel } from './inspect-panel';
import { renderLayerPanel } from './layer-panel';
import type { MapView, ScreenPoint } from './map-view';

/** Looking around: the layer switches, and the details of the street or community clicked. */
export class BrowseView implements MapView {
  readonly id = 'browse';
  readonly element: HTMLElement;
  private readonly inspectPanel = new InspectPanel();
  private inspected: string | null = null;

  constructor(
    private readonly map: MapLibreMap,
    toggles: LayerToggle[],
  ) {
    this.element = element('div', 'panel-scroll', renderLayerPanel(toggles), this.inspectPanel.element);
  }

  activate(): void {
    outlineArea(this.map, this.inspected);
  }

  deactivate(): void {
    outlineArea(this.map, null);
  }

  click(event: MapMouseEvent): void {
    const code = areaCodeAt(this.map, event.point);
    if (!code) return;
    this.inspected = code;
    outlineArea(this.map, code);
    void this.inspectPanel.inspect(code);
  }

  cursorAt(point: ScreenPoint): string {
    return areaCodeAt(this.map, point) ? 'pointer' : '';
  }
}
