// An ES module handler (.mjs) with top-level await.
const started = await Promise.resolve('ready');

export const handler = async (event, context) => ({
  statusCode: 201,
  body: JSON.stringify({ module: 'esm', started, requestId: context.awsRequestId }),
});
