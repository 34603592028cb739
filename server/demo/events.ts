import { createRng, type Rng } from '../geo/prng';
import { countsPerDay, dayStartMs, dayWeights, DEMO_EVENT_PERIOD, localTime, periodEndMs, rainyDays, statusAt, type EventPeriod } from './event-calendar';
import { EVENT_MIX, EVENTS_PER_YEAR, MANUAL_SOURCE, SOURCE_ID_PREFIX, type EventTypeMix, type SourceSystem } from './event-mix';
import { placeDrawer, type EventPlaces, type PlaceKind } from './event-places';
import { weightedPick } from './weighted-pick';

/** One generated event, as a source system would send it in NDJSON (the ingest's field names). */
export interface DemoEventRecord {
  /** the source system's own id; none for events entered by hand */
  id?: string;
  source: string;
  type: string;
  severity: number;
  /** China Standard Time, `YYYY-MM-DD HH:MM:SS` */
  occurred_at: string;
  reported_at: string;
  status: string;
  lng: number;
  lat: number;
  /** the kind of dispute, complaint, hazard … (Chinese) */
  category: string;
  /** the hazard source it was drawn round */
  hazard?: string;
  /** sensitive: an anonymised name (王某) and a clearly fake phone number (1380000xxxx) */
  联系人?: string;
  联系电话?: string;
}

export interface DemoEventOptions {
  seed?: number;
  /** events in all; default the demo district's yearly volume over the period (≈ 94,000 a year) */
  count?: number;
  period?: EventPeriod;
}

const DAY_MS = 86_400_000;
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙'];
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Draws one type's events: place, hour, severity, source, status, contact. */
function typeDrawer(mix: EventTypeMix, drawPlace: ReturnType<typeof placeDrawer>, endMs: number) {
  const kinds = Object.entries(mix.places) as [PlaceKind, number][];
  const pickKind = weightedPick(kinds.map(([, share]) => share));
  const pickHour = weightedPick(mix.hours);
  const pickSeverity = weightedPick(mix.severity);
  const manualShare = Math.max(0, 1 - mix.sources.reduce((s, x) => s + x.share, 0));
  const pickSource = weightedPick([...mix.sources.map((s) => s.share), manualShare]);
  return (dayMs: number, rng: Rng): { at: number; record: DemoEventRecord; system?: SourceSystem } => {
    const at = dayMs + pickHour(rng) * 3600_000 + rng.int(0, 3599) * 1000;
    const reported = at + rng.int(0, mix.reportDelayMin) * 60_000;
    const place = drawPlace(kinds[pickKind(rng)][0], rng);
    const system = mix.sources[pickSource(rng)]?.source;
    const record: DemoEventRecord = {
      source: system ?? MANUAL_SOURCE,
      type: mix.type,
      severity: pickSeverity(rng) + 1,
      occurred_at: localTime(at),
      reported_at: localTime(reported),
      status: statusAt((endMs - reported) / DAY_MS, mix.daysToClose, rng),
      lng: round6(place.lngLat[0]),
      lat: round6(place.lngLat[1]),
      category: mix.categories[rng.int(0, mix.categories.length - 1)],
      ...(place.hazard && { hazard: place.hazard }),
    };
    if (rng.next() < mix.contactShare) {
      record.联系人 = `${SURNAMES[rng.int(0, SURNAMES.length - 1)]}某`;
      record.联系电话 = `1380000${String(rng.int(0, 9999)).padStart(4, '0')}`;
    }
    return { at, record, system };
  };
}

/**
 * The demo district's events, day by day in time order: types in the proportions of EVENT_MIX,
 * each day's volume by month, weekday and (floods) rain, hours by type; placed at homes by
 * households, round hot spots and hazard sources, in flood zones; severity skewed low; old
 * events mostly evaluated, open ones recent. Source systems' ids run per source and day
 * (`GD20260301000042`). Deterministic for a seed and `places`; holds one day in memory, so any
 * `count` streams.
 */
export function* generateDemoEvents(places: EventPlaces, opts: DemoEventOptions = {}): Generator<DemoEventRecord> {
  const period = opts.period ?? DEMO_EVENT_PERIOD;
  const count = opts.count ?? Math.round((EVENTS_PER_YEAR * period.days) / 365);
  const rng = createRng(opts.seed ?? 1);
  const drawPlace = placeDrawer(places, rng.fork());
  const endMs = periodEndMs(period);
  const rainy = rainyDays(period, rng.fork());
  const perType = countsPerDay(count, EVENT_MIX.map((t) => t.perYear));
  const types = EVENT_MIX.map((mix, t) => ({
    draw: typeDrawer(mix, drawPlace, endMs),
    perDay: countsPerDay(perType[t], dayWeights(mix, period, rainy, rng.fork())),
  }));
  const eventRng = rng.fork();
  for (let d = 0; d < period.days; d++) {
    const dayMs = dayStartMs(period, d);
    const day = types.flatMap(({ draw, perDay }) => Array.from({ length: perDay[d] }, () => draw(dayMs, eventRng)));
    day.sort((a, b) => a.at - b.at);
    const ymd = localTime(dayMs).slice(0, 10).replaceAll('-', '');
    const serials = new Map<SourceSystem, number>();
    for (const { record, system } of day) {
      if (system) {
        const serial = (serials.get(system) ?? 0) + 1;
        serials.set(system, serial);
        yield { id: `${SOURCE_ID_PREFIX[system]}${ymd}${String(serial).padStart(6, '0')}`, ...record };
      } else yield record;
    }
  }
}
