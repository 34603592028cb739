import helmet from 'helmet';
import type { RequestHandler } from 'express';

/** The origin of an absolute URL; undefined for a relative one (served by us: 'self' covers it). */
function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Security headers on every response (helmet). The Content-Security-Policy fits the client as
 * built: scripts, styles and fonts from our origin only (no CDN, no inline script), MapLibre's
 * workers from our files and blob: URLs, images from us and data:/blob: URLs (icons, canvases),
 * requests to us, plus the origin of BASEMAP_URL when a basemap is configured (its tiles, glyphs
 * and sprites must come from there). No framing (frame-ancestors 'none', X-Frame-Options DENY),
 * no referrer, nosniff. HSTS tells browsers that reached us over HTTPS to stay on it; it is not
 * sent to subdomains, and plain HTTP on a LAN keeps working (no upgrade-insecure-requests).
 */
export function securityHeaders(opts: { basemapUrl?: string }): RequestHandler {
  const basemap = originOf(opts.basemapUrl);
  const withBasemap = (...sources: string[]) => (basemap ? [...sources, basemap] : sources);
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'base-uri': ["'self'"],
        'script-src': ["'self'"],
        'script-src-attr': ["'none'"],
        'style-src': ["'self'"],
        'font-src': ["'self'"],
        'img-src': withBasemap("'self'", 'data:', 'blob:'),
        'connect-src': withBasemap("'self'"),
        'worker-src': ["'self'", 'blob:'],
        'child-src': ["'self'", 'blob:'],
        'object-src': ["'none'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
      },
    },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
  });
}
