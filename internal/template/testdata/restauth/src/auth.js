// A TOKEN authorizer: "allow-NAME" is allowed as NAME, anything else is denied,
// and "unauthorized" is rejected with 401.
exports.handler = async (event) => {
  const token = event.authorizationToken || '';
  if (token === 'unauthorized') throw new Error('Unauthorized');
  const allow = token.startsWith('allow-');
  return {
    principalId: allow ? token.slice(6) : 'nobody',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: allow ? 'Allow' : 'Deny', Resource: event.methodArn.split('/').slice(0, 2).join('/') + '/*' }],
    },
  };
};
