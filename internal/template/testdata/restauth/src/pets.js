exports.handler = async (event) => ({
  statusCode: 200,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({
    route: event.httpMethod + ' ' + event.resource,
    id: (event.pathParameters || {}).id || null,
    principal: (event.requestContext.authorizer || {}).principalId || null,
    body: event.body ? JSON.parse(event.body) : null,
  }),
});
