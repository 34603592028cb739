import { authZhCN } from './messages.auth.zh-CN';
import { emergencyZhCN } from './messages.emergency.zh-CN';
import { plannerZhCN } from './messages.planner.zh-CN';
import { policeZhCN } from './messages.police.zh-CN';
import { riskZhCN } from './messages.risk.zh-CN';

/** Chinese (simplified) UI strings: the default locale and the source of message keys. */
export const zhCN = {
  'app.title': '网格图谱 GridAtlas',
  'app.subtitle': '网格化社会治理',
  'locale.switch': 'English',
  'locale.switchTitle': '切换为英文界面',
  'status.loading': '正在加载地图…',
  'status.failed': '加载失败：{message}',
  'status.backend': '数据库：{backend} · PostGIS {postgis}',
  'map.zoomIn': '放大',
  'map.zoomOut': '缩小',
  'map.toggleAttribution': '显示/隐藏数据来源',
  'layers.title': '图层',
  'layer.areas': '行政区划',
  'layer.grids': '网格',
  'layer.barriers': '道路 · 河流 · 铁路',
  'layer.addressPoints': '地址点',
  'layer.labels': '名称标注',
  'inspect.title': '区域信息',
  'inspect.hint': '点击地图上的街道（放大后为社区）查看详情。',
  'inspect.loading': '正在查询…',
  'inspect.failed': '查询失败：{message}',
  'field.name': '名称',
  'field.code': '区划代码',
  'field.level': '层级',
  'field.households': '户数',
  'field.population': '人口',
  'field.area': '面积',
  'field.children': '下级区域',
  'level.district': '区县',
  'level.street': '街道',
  'level.community': '社区',
  'unit.km2': '{value} 平方公里',
  ...plannerZhCN,
  ...policeZhCN,
  ...emergencyZhCN,
  ...riskZhCN,
  ...authZhCN,
} as const;

export type MessageKey = keyof typeof zhCN;
