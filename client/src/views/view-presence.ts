import { SuspendedToggle, type LayerToggle } from '../layers/layer-toggle';
import type { PointerTooltip } from './feature-tooltip';

/**
 * What a view drawing its own grids does on entering and leaving: hides the published grids
 * (vector tiles) and gives them back, switches its tooltip on and off, and runs `start` (e.g.
 * its first requests) on the first visit only.
 */
export class ViewPresence {
  private readonly tiledGrids: SuspendedToggle;
  private started = false;

  constructor(
    tiledGrids: LayerToggle | undefined,
    private readonly tooltip: PointerTooltip,
    private readonly start: () => void,
  ) {
    this.tiledGrids = new SuspendedToggle(tiledGrids);
  }

  enter(): void {
    this.tiledGrids.suspend();
    this.tooltip.enable();
    if (this.started) return;
    this.started = true;
    this.start();
  }

  leave(): void {
    this.tiledGrids.resume();
    this.tooltip.disable();
  }
}
