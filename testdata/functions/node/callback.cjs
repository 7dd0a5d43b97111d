// Callback-style handlers.

// The callback answers only once the event loop is empty: the timer's line
// is logged before the invocation ends.
exports.handler = (event, context, callback) => {
  setTimeout(() => console.log('timer fired'), 30);
  callback(null, { statusCode: 200, body: JSON.stringify({ module: 'callback', waits: context.callbackWaitsForEmptyEventLoop }) });
};

// With callbackWaitsForEmptyEventLoop false, the answer goes at once and a
// pending timer does not hold it.
exports.noWait = (event, context, callback) => {
  context.callbackWaitsForEmptyEventLoop = false;
  setTimeout(() => {}, 60000);
  callback(null, { statusCode: 200, body: '"did not wait"' });
};

exports.fail = (event, context, callback) => {
  callback(new Error('callback failure'));
};
