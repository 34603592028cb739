import { fetchAreaLabels } from '../../api/gridatlas-api';

/** Digits of a grid code that name its community (the rest is the grid's serial). */
const COMMUNITY_CODE_DIGITS = 12;

/**
 * Names for grids that have none of their own: the community's name and the grid's serial
 * (e.g. "尧化门社区 008"), and the street a grid lies in. Area names load once per page.
 */
export class GridNames {
  private areas = new Map<string, string>();
  /** The streets in code order, for a filter list. */
  streets: { code: string; name: string }[] = [];

  async load(): Promise<void> {
    const [streets, communities] = await Promise.all([fetchAreaLabels({ level: 'street' }), fetchAreaLabels({ level: 'community' })]);
    this.streets = streets.features.map(({ properties: { code, name } }) => ({ code, name })).sort((a, b) => a.code.localeCompare(b.code));
    this.areas = new Map([...streets.features, ...communities.features].map((area) => [area.properties.code, area.properties.name]));
  }

  label(code: string, name: string | null): string {
    if (name) return name;
    const community = this.areas.get(code.slice(0, COMMUNITY_CODE_DIGITS));
    return community ? `${community} ${code.slice(COMMUNITY_CODE_DIGITS)}` : code;
  }

  streetName(code: string): string {
    return this.areas.get(code) ?? code;
  }
}
