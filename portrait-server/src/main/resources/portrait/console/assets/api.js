// API docs: swagger-ui (webjar) rendering the server's own copy of docs/openapi.yaml.
import { start } from './console.js';

await start('api', 'API docs');
SwaggerUIBundle({
  url: '/console/openapi.yaml',
  dom_id: '#swagger',
  deepLinking: true,
  validatorUrl: null, // the default would send the document to validator.swagger.io
});
