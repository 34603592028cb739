/** System fonts that carry Chinese, for deck.gl text layers; nothing is downloaded. */
export const LABEL_FONT_FAMILY =
  '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif';
