import pointInPolygon from 'point-in-polygon-hao';
import { describe, expect, it } from 'vitest';
import { DEMO_EVENT_PERIOD, localTime, periodEndMs } from '../../server/demo/event-calendar';
import { EVENT_MIX, EVENTS_PER_YEAR } from '../../server/demo/event-mix';
import type { EventPlaces } from '../../server/demo/event-places';
import { generateDemoEvents, type DemoEventRecord } from '../../server/demo/events';
import { createRng } from '../../server/geo/prng';

/** A small synthetic town: 2,000 address points in a 5 km square, a chemical plant, a gas station, a flood strip, a hill. */
function town(): EventPlaces {
  const rng = createRng(99);
  const homes = Array.from({ length: 2000 }, (_, i) => ({
    id: `ap-${String(i).padStart(6, '0')}`,
    lngLat: [118.9 + rng.range(0, 0.05), 32.1 + rng.range(0, 0.045)] as [number, number],
    households: rng.int(1, 80),
  }));
  const point = (lng: number, lat: number) => ({ type: 'Point' as const, coordinates: [lng, lat] });
  return {
    homes,
    hazards: [
      { id: 'hz-c01', type: 'chemical_plant', level: '重大', geometry: point(118.94, 32.13) },
      { id: 'hz-d01', type: 'geological_hazard', level: '一般', geometry: point(118.91, 32.14) },
      { id: 'hz-f01', type: 'flood_zone', level: '较大', geometry: { type: 'Polygon', coordinates: [[[118.9, 32.144], [118.95, 32.144], [118.95, 32.147], [118.9, 32.147], [118.9, 32.144]]] } },
      { id: 'hz-g01', type: 'gas_station', level: '一般', geometry: point(118.92, 32.11) },
    ],
  };
}

const places = town();
const COUNT = 40_000;
const events = [...generateDemoEvents(places, { seed: 5, count: COUNT })];
const share = (pred: (e: DemoEventRecord) => boolean, of = events) => of.filter(pred).length / of.length;
const ofType = (type: string) => events.filter((e) => e.type === type);
const month = (e: DemoEventRecord) => Number(e.occurred_at.slice(5, 7));
const ageDays = (e: DemoEventRecord) => (periodEndMs(DEMO_EVENT_PERIOD) - Date.parse(`${e.reported_at.replace(' ', 'T')}+08:00`)) / 86_400_000;

describe('generateDemoEvents', () => {
  it('when generated twice with one seed, then the events are the same; another seed gives others', () => {
    expect([...generateDemoEvents(places, { seed: 5, count: COUNT })]).toEqual(events);
    const other = [...generateDemoEvents(places, { seed: 6, count: COUNT })];
    expect(other).toHaveLength(COUNT);
    expect(other.slice(0, 100)).not.toEqual(events.slice(0, 100));
  });

  it('when no count is given, then it is a year of the district volume', () => {
    expect([...generateDemoEvents(places, { seed: 1 })]).toHaveLength(EVENTS_PER_YEAR);
  });

  it('when generated, then the types keep the mix proportions (±1 point) and every event lies in the period, in time order', () => {
    expect(events).toHaveLength(COUNT);
    for (const mix of EVENT_MIX) expect(share((e) => e.type === mix.type), mix.type).toBeCloseTo(mix.perYear / EVENTS_PER_YEAR, 2);
    const [first, end] = [`${localTime(periodEndMs(DEMO_EVENT_PERIOD) - 365 * 86_400_000)}`, localTime(periodEndMs(DEMO_EVENT_PERIOD))];
    expect(first).toBe('2025-11-01 00:00:00');
    expect(events.every((e) => e.occurred_at >= first && e.occurred_at < end)).toBe(true);
    expect(events.every((e, i) => i === 0 || e.occurred_at >= events[i - 1].occurred_at)).toBe(true);
  });

  it('when generated, then flood reports fall in the flood season (June–September) and inspections on weekdays in working hours', () => {
    expect(share((e) => month(e) >= 6 && month(e) <= 9, ofType('flood_report'))).toBeGreaterThan(0.95);
    const hazards = ofType('work_safety_hazard');
    const weekday = (e: DemoEventRecord) => new Date(`${e.occurred_at.slice(0, 10)}T12:00:00+08:00`).getUTCDay() % 6 !== 0;
    expect(share(weekday, hazards)).toBeGreaterThan(0.9);
    expect(share((e) => { const h = Number(e.occurred_at.slice(11, 13)); return h >= 7 && h < 19; }, hazards)).toBeGreaterThan(0.95);
    const policeAtNight = share((e) => Number(e.occurred_at.slice(11, 13)) >= 19, ofType('police_incident'));
    expect(policeAtNight).toBeGreaterThan(5 / 24); // evenings busier than an even spread
  });

  it('when generated, then severity is skewed low: each level rarer than the one below', () => {
    const bySeverity = [1, 2, 3, 4, 5].map((s) => share((e) => e.severity === s));
    expect(bySeverity.every((p, i) => i === 0 || p < bySeverity[i - 1])).toBe(true);
    expect(bySeverity[0]).toBeGreaterThan(0.45);
  });

  it('when generated, then old events are evaluated and the open ones recent', () => {
    const old = events.filter((e) => ageDays(e) > 90);
    expect(share((e) => e.status === 'evaluated', old)).toBeGreaterThan(0.97);
    const open = events.filter((e) => e.status !== 'evaluated');
    expect(open.length).toBeGreaterThan(0);
    const ages = open.map(ageDays).sort((a, b) => a - b);
    expect(ages[Math.floor(ages.length / 2)]).toBeLessThan(30);
  });

  it('when generated, then hazards and fires gather round hazard sources and flood reports in the flood zone', () => {
    const near = (e: DemoEventRecord, id: string) => e.hazard === id;
    expect(share((e) => near(e, 'hz-c01') || near(e, 'hz-g01'), ofType('work_safety_hazard'))).toBeCloseTo(0.5, 1);
    const flood = ofType('flood_report');
    const zone = (places.hazards[2].geometry as { coordinates: number[][][] }).coordinates;
    expect(share((e) => pointInPolygon([e.lng, e.lat], zone) !== false, flood)).toBeCloseTo(0.6, 1);
    expect(share((e) => e.hazard === undefined, ofType('hotline_12345'))).toBe(1);
  });

  it('when generated, then sources send their own ids, unique per source, and contacts are anonymised with fake phone numbers', () => {
    const withId = events.filter((e) => e.id !== undefined);
    expect(new Set(withId.map((e) => `${e.source}|${e.id}`)).size).toBe(withId.length);
    expect(withId.every((e) => /^(GD|JJ|WG|AJ)\d{14}$/.test(e.id!))).toBe(true);
    expect(new Set(events.map((e) => e.source))).toEqual(new Set(['12345', 'police', 'grid_app', 'inspection', 'command_centre']));
    expect(events.filter((e) => e.id === undefined).every((e) => e.source === 'command_centre')).toBe(true);
    expect(share((e) => e.id !== undefined)).toBeGreaterThan(0.85);
    const contacts = events.filter((e) => e.联系电话 !== undefined);
    expect(contacts.every((e) => /^1380000\d{4}$/.test(e.联系电话!) && /^.某$/.test(e.联系人!))).toBe(true);
    expect(share((e) => e.联系电话 !== undefined, ofType('hotline_12345'))).toBe(1);
  });
});
