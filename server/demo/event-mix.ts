/**
 * What the demo's events look like, per type: how many a year, where, when, how severe, from
 * which source systems. Volumes are for Qixia's ~990,000 residents (1.16% of Jiangsu's ~85
 * million, 10.6% of Nanjing's ~9.3 million). Where DOMAIN.md gives a figure it is used and
 * named; every other number is an assumption, chosen to look plausible, and says so.
 */

/** Where an event of a type happens (shares add up to 1). */
export interface PlaceShares {
  /** at an address point drawn by households */
  homes: number;
  /** round one of the district's hot spots (治安乱点: markets, stations, night streets) */
  hotSpots?: number;
  /** round a chemical plant, hazardous-goods store or gas station */
  industry?: number;
  /** inside a flood-prone strip along the river */
  floodZones?: number;
  /** round a geological hazard point on a hill */
  hills?: number;
}

/** A source system that sends events with its own ids (工单号, 接警单号 …). */
export interface SourceShare { source: SourceSystem; share: number }

/** The source systems and the prefix of their ids: 12345 工单, 110 接警, grid app 网格上报, safety 安检. */
export const SOURCE_ID_PREFIX = { '12345': 'GD', police: 'JJ', grid_app: 'WG', inspection: 'AJ' } as const;
export type SourceSystem = keyof typeof SOURCE_ID_PREFIX;
/** Events entered by hand at the command centre carry this source and no external id. */
export const MANUAL_SOURCE = 'command_centre';

export interface EventTypeMix {
  type: string;
  /** events a year in the demo district */
  perYear: number;
  /** weights of severity 1…5 */
  severity: number[];
  /** weights of the 24 hours of the day (China Standard Time) */
  hours: number[];
  /** weights of the months January…December */
  months: number[];
  /** a Saturday or Sunday against a weekday */
  weekend: number;
  /** comes with heavy rain: most on the flood season's rainy days (RAIN) */
  rainDriven?: true;
  /** sources with external ids; the rest is entered by hand at the command centre, without one */
  sources: SourceShare[];
  /** mean days from report to 评单 (evaluated) */
  daysToClose: number;
  /** minutes from occurrence to report: up to this, uniform */
  reportDelayMin: number;
  /** share of events carrying a contact name and phone (sensitive) */
  contactShare: number;
  categories: string[];
  places: PlaceShares;
}

/** Day-time office hours: 8–18 high, evening lower, night little. */
const OFFICE_HOURS = [1, 0.5, 0.3, 0.3, 0.3, 0.6, 2, 5, 9, 10, 10, 8, 6, 8, 10, 10, 9, 7, 5, 4, 3, 2, 2, 1];
/** Work-safety inspections happen in working hours. */
const INSPECTION_HOURS = [0, 0, 0, 0, 0, 0, 0, 1, 6, 10, 10, 8, 3, 6, 10, 10, 8, 4, 1, 0, 0, 0, 0, 0];

export const EVENT_MIX: EventTypeMix[] = [
  {
    type: 'dispute', // 矛盾纠纷
    // DOMAIN.md: Jiangsu resolved 1.594 million disputes a year; Qixia's 1.16% share ≈ 18,500
    perYear: 18_500,
    severity: [50, 30, 13, 5, 2],
    hours: [1, 0.5, 0.3, 0.3, 0.3, 0.5, 1, 3, 6, 8, 9, 8, 6, 6, 8, 9, 9, 9, 9, 10, 9, 6, 3, 2],
    months: [1.3, 1.4, 1, 1, 1, 0.9, 1, 1, 0.9, 1, 1, 1.1], // assumption: more round the Spring Festival (debts, family)
    weekend: 1.2, // assumption: neighbours at home quarrel more at weekends
    sources: [{ source: 'grid_app', share: 0.65 }, { source: '12345', share: 0.15 }],
    daysToClose: 7,
    reportDelayMin: 180,
    contactShare: 0.6,
    categories: ['邻里纠纷', '家庭纠纷', '物业纠纷', '劳资纠纷', '土地纠纷', '消费纠纷'],
    places: { homes: 0.92, hotSpots: 0.08 },
  },
  {
    type: 'work_safety_hazard', // 安全隐患
    // DOMAIN.md: Nanjing has 250,000 registered risk hazards; Qixia's 10.6% ≈ 26,500, assumed found over two years
    perYear: 13_000,
    severity: [45, 32, 15, 6, 2],
    hours: INSPECTION_HOURS,
    months: [1.2, 0.8, 1.1, 1, 1, 1.1, 1.1, 1, 1, 1, 1.1, 1.3], // assumption: campaigns before the holidays and in winter
    weekend: 0.2,
    sources: [{ source: 'inspection', share: 0.55 }, { source: 'grid_app', share: 0.35 }],
    daysToClose: 15, // 整改: rectification takes weeks
    reportDelayMin: 20,
    contactShare: 0,
    categories: ['消防通道堵塞', '电动车违规充电', '燃气隐患', '危化品存放不当', '建筑结构隐患', '违规动火作业'],
    places: { homes: 0.5, industry: 0.5 },
  },
  {
    type: 'hotline_12345',
    // assumption: about two 12345 requests per dispute (service requests and complaints outnumber disputes)
    perYear: 40_000,
    severity: [70, 22, 6, 2, 0],
    hours: OFFICE_HOURS,
    months: [1, 0.9, 1, 1, 1, 1.1, 1.3, 1.3, 1.1, 1, 0.9, 1], // assumption: summer heat, power and water complaints
    weekend: 0.7,
    sources: [{ source: '12345', share: 1 }],
    daysToClose: 5, // 12345 work orders carry deadlines
    reportDelayMin: 5,
    contactShare: 1,
    categories: ['噪音扰民', '物业服务', '市政设施', '环境卫生', '占道经营', '违章搭建', '供水供电'],
    places: { homes: 1 },
  },
  {
    type: 'police_incident', // 警情
    // assumption: ~20 calls a year per 1,000 residents reach the grid platform
    perYear: 20_000,
    severity: [40, 32, 17, 8, 3],
    hours: [5, 4, 3, 2, 1.5, 1.5, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 6, 7, 8, 9, 10, 10, 9, 7],
    months: [1, 1, 0.9, 0.9, 1, 1.1, 1.2, 1.2, 1, 1, 0.9, 0.9], // assumption: summer nights are busier
    weekend: 1.25,
    sources: [{ source: 'police', share: 1 }],
    daysToClose: 2,
    reportDelayMin: 5,
    contactShare: 0.5,
    categories: ['盗窃', '诈骗', '打架斗殴', '交通事故', '噪音扰民', '求助'],
    places: { homes: 0.8, hotSpots: 0.2 },
  },
  {
    type: 'fire', // 火情
    // assumption: ~0.7 fires a year per 1,000 residents, the order of national fire statistics
    perYear: 700,
    severity: [30, 30, 22, 12, 6],
    hours: [2, 2, 1.5, 1, 1, 1, 2, 3, 3, 3, 4, 5, 5, 4, 4, 4, 4, 6, 7, 7, 5, 4, 3, 2],
    months: [1.6, 1.5, 1.3, 1, 0.8, 0.7, 0.7, 0.7, 0.8, 1, 1.2, 1.5], // assumption: dry winters, heaters, the Spring Festival's fireworks
    weekend: 1,
    sources: [{ source: 'police', share: 0.5 }, { source: 'grid_app', share: 0.3 }],
    daysToClose: 3,
    reportDelayMin: 3,
    contactShare: 0.3,
    categories: ['电气火灾', '厨房火灾', '垃圾起火', '车辆起火', '企业火灾'],
    places: { homes: 0.75, industry: 0.25 },
  },
  {
    type: 'flood_report', // 汛情
    // assumption; in the flood season (汛期, June–September) only, with May's early plum rains (梅雨) as a forerunner
    perYear: 2_000,
    severity: [35, 30, 20, 10, 5],
    hours: [2, 2, 2, 2, 2, 2, 3, 4, 4, 4, 4, 4, 4, 5, 6, 7, 7, 6, 5, 4, 3, 3, 2, 2], // afternoon storms
    months: [0, 0, 0, 0, 0.1, 1, 1.4, 1, 0.6, 0, 0, 0],
    weekend: 1,
    rainDriven: true,
    sources: [{ source: 'grid_app', share: 0.6 }, { source: '12345', share: 0.2 }],
    daysToClose: 4,
    reportDelayMin: 30,
    contactShare: 0.2,
    categories: ['道路积水', '江堤渗漏', '管涌', '地下室进水', '山体滑坡隐患'],
    places: { homes: 0.25, floodZones: 0.6, hills: 0.15 },
  },
];

/** Rain-driven events on a day: `heavy` (a range) on a share of rainy days, `dry` otherwise (assumption). */
export const RAIN = { dayShare: 0.3, heavy: [1, 7] as const, dry: 0.15 };

/** Events a year over all types (≈ 94,000 for the demo district). */
export const EVENTS_PER_YEAR = EVENT_MIX.reduce((n, t) => n + t.perYear, 0);
