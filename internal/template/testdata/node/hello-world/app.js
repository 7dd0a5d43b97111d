exports.lambdaHandler = async (event, context) => {
  return {
    statusCode: 200,
    body: JSON.stringify({ message: process.env.GREETING, path: event.path, resource: event.resource, stage: event.requestContext.stage }),
  };
};
