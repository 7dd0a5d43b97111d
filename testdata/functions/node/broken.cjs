// Requires a package the code directory does not have.
require('not-installed-pkg');

exports.handler = async () => ({ statusCode: 200, body: 'unreachable' });
