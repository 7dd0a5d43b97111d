// A Node.js handler as `sam init` writes it (hello-world/app.mjs), run by
// Portico's own Node.js runtime client: runtime nodejs20.x, handler
// app.lambdaHandler.
const pets = { 1: { id: 1, type: 'dog', price: 249.99 }, 2: { id: 2, type: 'cat', price: 124.99 } };

export const lambdaHandler = async (event, context) => {
  const id = event.pathParameters.id;
  console.log(`looking up pet ${id}`);
  const pet = pets[id];
  if (!pet) {
    return { statusCode: 404, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ message: `no pet ${id}` }) };
  }
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ runtime: 'nodejs', function: context.functionName, pet }),
  };
};
