// Imports a package the code directory does not have.
import 'not-installed-pkg';

export const handler = async () => ({ statusCode: 200, body: 'unreachable' });
