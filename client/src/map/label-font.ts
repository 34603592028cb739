import type { TextLayerProps } from '@deck.gl/layers';

/** System fonts that carry Chinese, for deck.gl text layers; nothing is downloaded. */
export const LABEL_FONT_FAMILY =
  '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif';

/** The look shared by map labels: SDF glyphs in our fonts with a white halo, centred on their point, sized in pixels. */
export const HALO_LABEL_PROPS: Pick<
  TextLayerProps,
  'fontFamily' | 'fontSettings' | 'outlineWidth' | 'outlineColor' | 'sizeUnits' | 'getTextAnchor' | 'getAlignmentBaseline'
> = {
  fontFamily: LABEL_FONT_FAMILY,
  fontSettings: { sdf: true, fontSize: 64, buffer: 10, radius: 16 },
  outlineWidth: 7,
  outlineColor: [255, 255, 255, 235],
  sizeUnits: 'pixels',
  getTextAnchor: 'middle',
  getAlignmentBaseline: 'center',
};
