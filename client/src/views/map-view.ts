import type { MapMouseEvent } from 'maplibre-gl';

/** A point on the map canvas, in CSS pixels from its top-left corner. */
export interface ScreenPoint {
  x: number;
  y: number;
}

export type ViewId = 'browse' | 'planner' | 'police' | 'emergency' | 'risk';

/**
 * One working view of the app: what the side panel shows and what clicks on the map do.
 * The app routes map clicks and pointer moves to the active view only.
 */
export interface MapView {
  readonly id: ViewId;
  /** The side panel's content while the view is active. */
  readonly element: HTMLElement;
  activate(): void;
  deactivate(): void;
  click(event: MapMouseEvent): void;
  /** The CSS cursor to show over a point of the map. */
  cursorAt(point: ScreenPoint): string;
}

/** Puts cards over the map that show only while `view` is the active one (styles.css keys on data-view). */
export function addMapCards(map: { getContainer(): HTMLElement }, view: ViewId, ...cards: HTMLElement[]): void {
  for (const card of cards) card.dataset.view = view;
  map.getContainer().append(...cards);
}
