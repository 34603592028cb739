import { apiRouter } from '../http/api-router';
import { openapiDocument } from './document';

export function openapiRoutes() {
  const { router, add } = apiRouter('/api');
  add({ method: 'get', path: '/openapi.json', access: 'public', summary: 'This OpenAPI 3 document', tag: 'meta' }, async (_req, res) => {
    res.json(openapiDocument());
  });
  return router;
}
