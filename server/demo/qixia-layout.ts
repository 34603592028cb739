/**
 * Hand-placed, approximate geography of Qixia district (WGS84 [lng, lat]) that steers the demo
 * generator: where each street lies, where its town centre is, how many households it holds,
 * and the main lines on the ground. Rough on purpose (a few hundred metres); not survey data.
 */
export type LngLat = [number, number];

export interface StreetLayout {
  /** 12-digit statistical code, as in data/qixia/divisions.json. */
  code: string;
  /** Voronoi seeds: the street is the union of these seeds' cells within the mainland. Empty for the island. */
  seeds: LngLat[];
  /** Town centre: urban communities gather here, rural villages lie farther out. */
  core: LngLat;
  households: number;
  /** Share of buildings in urban communities that are apartment blocks (the rest are low houses). */
  apartmentShare: number;
  /** Spacing of the generated local road grid. */
  localRoadSpacingM: number;
}

/** The island street (八卦洲街道): the land north of the main channel of the Yangtze. */
export const BAGUAZHOU_CODE = '320113009000';

/** Households sum to 400,000 (Qixia has ~990,000 residents at ~2.5 per household). West is urban, Longtan and Baguazhou rural. */
export const STREETS: StreetLayout[] = [
  { code: '320113003000', seeds: [[118.79, 32.118], [118.812, 32.108], [118.82, 32.122]], core: [118.805, 32.115], households: 72_000, apartmentShare: 0.4, localRoadSpacingM: 110 }, // 迈皋桥
  { code: '320113004000', seeds: [[118.785, 32.138], [118.815, 32.14], [118.845, 32.142], [118.87, 32.15]], core: [118.81, 32.135], households: 46_000, apartmentShare: 0.32, localRoadSpacingM: 130 }, // 燕子矶
  { code: '320113001000', seeds: [[118.848, 32.115], [118.868, 32.118], [118.882, 32.128]], core: [118.86, 32.117], households: 50_000, apartmentShare: 0.32, localRoadSpacingM: 130 }, // 尧化
  { code: '320113002000', seeds: [[118.872, 32.04], [118.878, 32.06], [118.885, 32.08]], core: [118.876, 32.055], households: 52_000, apartmentShare: 0.36, localRoadSpacingM: 140 }, // 马群
  { code: '320113007000', seeds: [[118.905, 32.1], [118.925, 32.108], [118.945, 32.112], [118.93, 32.092]], core: [118.92, 32.1], households: 50_000, apartmentShare: 0.36, localRoadSpacingM: 150 }, // 仙林
  { code: '320113005000', seeds: [[118.9, 32.15], [118.925, 32.14], [118.955, 32.15], [118.985, 32.16], [118.96, 32.128]], core: [118.925, 32.14], households: 48_000, apartmentShare: 0.28, localRoadSpacingM: 220 }, // 栖霞
  { code: '320113010000', seeds: [[118.975, 32.08], [118.985, 32.1], [119.02, 32.105], [119.04, 32.108]], core: [118.975, 32.09], households: 28_000, apartmentShare: 0.25, localRoadSpacingM: 260 }, // 西岗
  { code: '320113006000', seeds: [[119.015, 32.15], [119.03, 32.175], [119.06, 32.195], [119.1, 32.215], [119.15, 32.225], [119.2, 32.225]], core: [119.04, 32.165], households: 42_000, apartmentShare: 0.2, localRoadSpacingM: 400 }, // 龙潭
  { code: BAGUAZHOU_CODE, seeds: [], core: [118.83, 32.19], households: 12_000, apartmentShare: 0.1, localRoadSpacingM: 450 }, // 八卦洲
];

/**
 * The source outline includes the Yangtze's water up to the district border, so Baguazhou island
 * is joined to the mainland. This centreline of the main channel (south of the island, Yanziji
 * side) is cut out of the district to separate them.
 */
export const MAIN_CHANNEL = {
  name: '长江',
  widthM: 900,
  line: [[118.75, 32.152], [118.79, 32.153], [118.82, 32.156], [118.845, 32.16], [118.865, 32.168], [118.878, 32.18], [118.885, 32.2]] as LngLat[],
};

export interface NamedLine { name: string; line: LngLat[] }

/** Arterials and expressways, roughly where the real ones run. */
export const MAJOR_ROADS: NamedLine[] = [
  { name: '绕城公路', line: [[118.882, 32.02], [118.885, 32.05], [118.882, 32.075], [118.872, 32.1], [118.862, 32.125], [118.855, 32.15]] },
  { name: '长江二桥', line: [[118.855, 32.15], [118.85, 32.175], [118.852, 32.2], [118.86, 32.24]] },
  { name: '沪宁高速', line: [[118.86, 32.04], [118.9, 32.06], [118.95, 32.083], [119.0, 32.098], [119.06, 32.112]] },
  { name: '仙林大道', line: [[118.872, 32.097], [118.93, 32.106], [118.97, 32.102], [119.0, 32.104]] },
  { name: '栖霞大道', line: [[118.825, 32.127], [118.87, 32.133], [118.92, 32.142], [118.96, 32.152], [118.99, 32.158]] },
  { name: '和燕路', line: [[118.805, 32.09], [118.806, 32.115], [118.803, 32.135], [118.8, 32.15]] },
  { name: '经天路', line: [[118.945, 32.11], [118.98, 32.122], [119.01, 32.135], [119.04, 32.15]] },
  { name: '宁镇公路', line: [[118.99, 32.125], [119.03, 32.155], [119.07, 32.18], [119.13, 32.202], [119.24, 32.218]] },
  { name: '八卦洲大道', line: [[118.79, 32.2], [118.82, 32.185], [118.85, 32.178]] },
];

/** Streams flowing north to the Yangtze (the generator adds meanders). */
export const RIVERS: NamedLine[] = [
  { name: '十里长沟', line: [[118.812, 32.095], [118.82, 32.115], [118.828, 32.135], [118.833, 32.152]] },
  { name: '九乡河', line: [[118.99, 32.06], [118.985, 32.1], [118.975, 32.13], [118.97, 32.16], [118.965, 32.185]] },
  { name: '七乡河', line: [[119.03, 32.095], [119.02, 32.125], [119.03, 32.15], [119.04, 32.175]] },
  { name: '便民河', line: [[119.1, 32.19], [119.108, 32.205], [119.12, 32.23]] },
];

export const RAILWAYS: NamedLine[] = [
  { name: '沪宁铁路', line: [[118.78, 32.1], [118.83, 32.112], [118.87, 32.122], [118.93, 32.138], [118.99, 32.148], [119.04, 32.162], [119.12, 32.198], [119.25, 32.222]] },
  { name: '沪宁城际铁路', line: [[118.8, 32.085], [118.88, 32.09], [118.92, 32.1], [118.99, 32.106], [119.06, 32.118]] },
];

export interface NamedPlace { name: string; centre: LngLat; radiusM: number }

/** Industry in the east along the river: the petrochemical works by Qixia mountain and the Longtan port area. */
export const INDUSTRIAL_ZONES: NamedPlace[] = [
  { name: '栖霞山石化片区', centre: [118.945, 32.162], radiusM: 1500 },
  { name: '龙潭港区', centre: [119.09, 32.195], radiusM: 2500 },
];

/** Hilly ground, where geological hazard points (landslide, collapse) are registered. */
export const HILLS: NamedPlace[] = [
  { name: '栖霞山', centre: [118.958, 32.152], radiusM: 1200 },
  { name: '灵山', centre: [118.99, 32.085], radiusM: 1200 },
  { name: '紫金山北麓', centre: [118.875, 32.055], radiusM: 1500 },
  { name: '乌龙山', centre: [118.885, 32.168], radiusM: 1000 },
  { name: '龙潭丘陵', centre: [119.03, 32.14], radiusM: 1500 },
];

/** Points near the river's shore (the district edge facing the Yangtze) where flood-prone strips lie. */
export const FLOOD_SHORES: { name: string; near: LngLat }[] = [
  { name: '八卦洲西端', near: [118.765, 32.205] },
  { name: '八卦洲北岸', near: [118.82, 32.24] },
  { name: '八卦洲南岸', near: [118.81, 32.165] },
  { name: '燕子矶江岸', near: [118.8, 32.148] },
  { name: '栖霞江岸', near: [118.93, 32.181] },
  { name: '龙潭江岸', near: [119.15, 32.248] },
];
