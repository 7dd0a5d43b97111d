// The benchmark's Lambda function: a Node.js handler answering what the
// benchmark upstream answers, served by Portico (AWS_PROXY) and by peers
// that run Lambda handlers locally, so both run the same code.
const body = JSON.stringify({ id: 1, type: "dog", price: 249.99 });

exports.handler = async () => ({
  statusCode: 200,
  headers: { "content-type": "application/json" },
  body,
});
