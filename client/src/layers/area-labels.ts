import { TextLayer } from '@deck.gl/layers';
import type { MapLibreMap } from 'maplibre-gl';
import { fetchAreaLabels } from '../api/gridatlas-api';
import type { AreaLabelCollection } from '../api/types';
import type { DeckOverlay } from '../map/deck-overlay';
import { HALO_LABEL_PROPS } from '../map/label-font';
import { focusLevelAt } from '../map/focus-level';
import type { LayerToggle } from './layer-toggle';

type LabelledLevel = 'street' | 'community';

interface AreaLabel {
  name: string;
  position: [number, number];
}

interface LabelSet {
  labels: AreaLabel[];
  /** Every character of the names: what the font atlas must hold. */
  characterSet: Set<string>;
}

const EMPTY_LABEL_SET: LabelSet = { labels: [], characterSet: new Set() };

/** What a label layer holds, for tests and debugging. */
export interface LabelLayerSummary {
  id: string;
  visible: boolean;
  names: string[];
}


const LABEL_STYLE: Record<LabelledLevel, { size: number; colour: [number, number, number]; weight: number }> = {
  street: { size: 15, colour: [29, 36, 51], weight: 600 },
  community: { size: 13, colour: [60, 68, 84], weight: 400 },
};

const labelLayerId = (level: LabelledLevel) => `${level}-labels`;

/**
 * Area names drawn by deck.gl's TextLayer over the map, so no glyph server is needed: the font
 * atlas holds exactly the characters of the names in use. Streets are labelled at low zoom,
 * communities from `COMMUNITY_FOCUS_ZOOM` on.
 */
export class AreaLabels implements LayerToggle {
  readonly id = 'labels';
  readonly titleKey = 'layer.labels';
  readonly swatch = '#1d2433';

  private labelSets: Record<LabelledLevel, LabelSet> = { street: EMPTY_LABEL_SET, community: EMPTY_LABEL_SET };
  private layers: TextLayer<AreaLabel>[] = [];
  private shown = true;
  private renderedFocus: LabelledLevel | null = null;

  constructor(
    private readonly map: MapLibreMap,
    private readonly overlay: DeckOverlay,
  ) {
    map.on('zoom', () => {
      if (focusLevelAt(map.getZoom()) !== this.renderedFocus) this.render();
    });
  }

  /** Fetches the label points of streets and communities and draws them. */
  async load(): Promise<void> {
    const [streets, communities] = await Promise.all([
      fetchAreaLabels({ level: 'street' }),
      fetchAreaLabels({ level: 'community' }),
    ]);
    this.labelSets = { street: toLabelSet(streets), community: toLabelSet(communities) };
    this.render();
  }

  isVisible(): boolean {
    return this.shown;
  }

  setVisible(visible: boolean): void {
    this.shown = visible;
    this.render();
  }

  summary(): LabelLayerSummary[] {
    return this.layers.map((layer) => ({
      id: layer.id,
      visible: layer.props.visible,
      names: (layer.props.data as AreaLabel[]).map((label) => label.name),
    }));
  }

  private render(): void {
    const focus = focusLevelAt(this.map.getZoom());
    this.renderedFocus = focus;
    this.layers = (['street', 'community'] as const).map((level) =>
      textLayer(level, this.labelSets[level], this.shown && level === focus),
    );
    this.overlay.setLayers('area-labels', this.layers);
  }
}

function toLabelSet(collection: AreaLabelCollection): LabelSet {
  const labels = collection.features.map(
    (feature): AreaLabel => ({
      name: feature.properties.name,
      position: [feature.geometry.coordinates[0], feature.geometry.coordinates[1]],
    }),
  );
  return { labels, characterSet: new Set(labels.flatMap((label) => [...label.name])) };
}

function textLayer(level: LabelledLevel, { labels, characterSet }: LabelSet, visible: boolean): TextLayer<AreaLabel> {
  const style = LABEL_STYLE[level];
  return new TextLayer<AreaLabel>({
    id: labelLayerId(level),
    data: labels,
    visible,
    characterSet,
    ...HALO_LABEL_PROPS,
    fontWeight: style.weight,
    getText: (label) => label.name,
    getPosition: (label) => label.position,
    getSize: style.size,
    getColor: style.colour,
  });
}
