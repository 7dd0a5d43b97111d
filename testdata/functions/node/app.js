// CommonJS test handlers for Portico's Node.js runtime client.
const greet = require('greet'); // node_modules in the code directory
const shout = require('shout'); // node_modules of a layer (NODE_PATH)

let invocations = 0;

exports.handler = async (event, context) => {
  invocations++;
  console.log('handling', event.path);
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      module: 'cjs',
      greeting: shout(greet(event.queryStringParameters && event.queryStringParameters.name)),
      method: event.httpMethod,
      path: event.path,
      invocations,
      context: {
        awsRequestId: typeof context.awsRequestId,
        functionName: context.functionName,
        functionVersion: context.functionVersion,
        invokedFunctionArn: context.invokedFunctionArn,
        memoryLimitInMB: context.memoryLimitInMB,
        logGroupName: context.logGroupName,
        logStreamName: /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/.test(context.logStreamName),
        remaining: context.getRemainingTimeInMillis() > 0 && context.getRemainingTimeInMillis() <= 5000,
        callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
      },
    }),
  };
};

exports.fail = async () => {
  throw new TypeError('the pet store is closed');
};

exports.conflict = async () => {
  throw new Error('Conflict: pet 7 already exists');
};

exports.slow = () => new Promise((resolve) => setTimeout(resolve, 60000));

exports.circular = async () => {
  const o = {};
  o.self = o;
  return o;
};

exports.notAFunction = 42;

// echo answers the proxy response the client sent as the body (benchmarks).
exports.echo = async (event) => JSON.parse(event.body);
