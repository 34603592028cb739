import { postApi } from '../e2e/support/api';
import { signInApi } from '../e2e/support/login';

/**
 * How a GIS user reaches the service: the demo admin signs in and makes a read-only API token
 * (role commander, every area) that GDAL sends as `Authorization: Bearer …` through its
 * GDAL_HTTP_HEADERS setting; the script's own API calls go with the admin's session.
 */
export async function gdalAccess(baseUrl: string): Promise<{ secret: string; config: string[] }> {
  await signInApi({ baseUrl }, 'admin');
  const { secret } = await postApi<{ secret: string }>(baseUrl, '/api/tokens', { name: 'gdal checks', role: 'commander', areaCode: null });
  return { secret, config: ['--config', 'GDAL_HTTP_HEADERS', `Authorization: Bearer ${secret}`] };
}
