/**
 * Decodes text that should be UTF-8 but, coming from Chinese desktop software, is often GBK:
 * when the bytes are not valid UTF-8 they are read as GB18030 (a superset of GBK and GB2312).
 */
export function decodeChineseText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}
