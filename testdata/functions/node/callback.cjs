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

// An exception thrown outside the handler's control flow fails the
// invocation and ends the process; the next invocation cold-starts.
exports.uncaught = (event, context, callback) => {
  setTimeout(() => {
    throw new RangeError('uncaught boom');
  }, 1);
};

// A rejected promise nobody handles does the same.
exports.unhandled = async () => {
  Promise.reject(new Error('nobody caught this'));
  return new Promise(() => {});
};
