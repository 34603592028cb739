import type { ExpressionSpecification } from 'maplibre-gl';
import type { ResponsePointKind } from '../../api/emergency-types';

/** One colour per hazard type (风险源); types not listed take OTHER_HAZARD_COLOUR. */
export const HAZARD_TYPE_COLOURS: Record<string, string> = {
  chemical_plant: '#c2255c',
  hazardous_goods_store: '#e8590c',
  gas_station: '#f08c00',
  flood_zone: '#1c7ed6',
  geological_hazard: '#7b5a3c',
};
export const OTHER_HAZARD_COLOUR = '#495057';

export const hazardColour = (type: string): string => HAZARD_TYPE_COLOURS[type] ?? OTHER_HAZARD_COLOUR;

/** The same colours as a MapLibre expression over the `type` property. */
export const hazardColourExpression: ExpressionSpecification = [
  'match',
  ['get', 'type'],
  ...(Object.entries(HAZARD_TYPE_COLOURS).flat() as [string, string]),
  OTHER_HAZARD_COLOUR,
];

/** Rings around a hazard and the grids they reach, innermost (most exposed) first. */
export const RING_COLOURS = ['#c92a2a', '#f76707', '#fab005', '#ffe066'];
export const RING_LINE_COLOUR = '#c92a2a';

/** Reach areas, shortest time (darkest) first: 1, 3, 5 minutes. */
export const REACH_COLOURS = ['#2b8a3e', '#69db7c', '#d3f9d8'];
/** Grids left outside the longest reach. */
export const OUTSIDE_REACH_COLOUR = '#862e9c';

export const RESPONSE_POINT_COLOURS: Record<ResponsePointKind, string> = {
  police_station: '#1f3a93',
  quick_response: '#1971c2',
  patrol: '#5f3dc4',
  fire_station: '#e03131',
};

/** `colours[i]` for property `name` = i, the last colour for anything higher. */
export function indexColourExpression(name: string, colours: string[]): ExpressionSpecification {
  const [first, ...rest] = colours;
  return ['step', ['get', name], first, ...rest.flatMap((colour, index) => [index + 1, colour])];
}
