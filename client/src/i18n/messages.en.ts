import { authEn } from './messages.auth.en';
import { emergencyEn } from './messages.emergency.en';
import { plannerEn } from './messages.planner.en';
import { policeEn } from './messages.police.en';
import { riskEn } from './messages.risk.en';
import type { MessageKey } from './messages.zh-CN';

/** English UI strings; every key of the Chinese catalogue must be present. */
export const en: Record<MessageKey, string> = {
  'app.title': 'GridAtlas',
  'app.subtitle': 'Grid-based social governance',
  'locale.switch': '中文',
  'locale.switchTitle': 'Switch the interface to Chinese',
  'status.loading': 'Loading the map…',
  'status.failed': 'Could not load: {message}',
  'status.backend': 'Database: {backend} · PostGIS {postgis}',
  'map.zoomIn': 'Zoom in',
  'map.zoomOut': 'Zoom out',
  'map.toggleAttribution': 'Show or hide data sources',
  'layers.title': 'Layers',
  'layer.areas': 'Administrative areas',
  'layer.grids': 'Grids',
  'layer.barriers': 'Roads · rivers · rail',
  'layer.addressPoints': 'Address points',
  'layer.labels': 'Labels',
  'inspect.title': 'Area details',
  'inspect.hint': 'Click a street on the map (a community when zoomed in) to see its details.',
  'inspect.loading': 'Loading…',
  'inspect.failed': 'Query failed: {message}',
  'field.name': 'Name',
  'field.code': 'Code',
  'field.level': 'Level',
  'field.households': 'Households',
  'field.population': 'Population',
  'field.area': 'Area',
  'field.children': 'Sub-areas',
  'level.district': 'District',
  'level.street': 'Street',
  'level.community': 'Community',
  'unit.km2': '{value} km²',
  ...plannerEn,
  ...policeEn,
  ...emergencyEn,
  ...riskEn,
  ...authEn,
};
