// Portico's runtime client for Node.js Lambda handlers. Portico runs it with
// the local node; it loads the handler named by _HANDLER from
// LAMBDA_TASK_ROOT and serves invocations through the Lambda Runtime API
// (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html), the way
// Lambda's managed Node.js runtimes do
// (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html,
// nodejs-context.html, nodejs-exceptions.html).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import util from 'node:util';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const env = process.env;
const [apiHost, apiPort] = splitHostPort(env.AWS_LAMBDA_RUNTIME_API || '127.0.0.1:9001');
const base = '/2018-06-01/runtime';
const clientPath = fileURLToPath(import.meta.url);
const stdoutWrite = process.stdout.write.bind(process.stdout);
const stderrWrite = process.stderr.write.bind(process.stderr);

let currentId; // request id of the invocation in progress
let current; // { id, settle(outcome) } of the invocation in progress

function splitHostPort(s) {
  const i = s.lastIndexOf(':');
  return [s.slice(0, i).replace(/^\[|\]$/g, ''), Number(s.slice(i + 1))];
}

// One keep-alive connection to the Runtime API, spoken directly: Portico's
// Runtime API server answers every request with a Content-Length body, so
// a request line, headers and a length-delimited answer are all the HTTP
// the client needs, at a fraction of node:http's cost per call. While idle
// the connection is unref'd, so callbackWaitsForEmptyEventLoop sees the
// handler's own work only.
let sock; // the connection, when open
let pending; // { resolve, reject } of the request in flight
let rbuf = Buffer.alloc(0); // what arrived and was not consumed yet

function connect() {
  const s = net.connect({ host: apiHost, port: apiPort });
  s.setNoDelay(true);
  s.on('data', (d) => {
    rbuf = rbuf.length ? Buffer.concat([rbuf, d]) : d;
    parseAnswer();
  });
  s.on('error', (e) => drop(s, e));
  s.on('close', () => drop(s, new Error('Runtime API connection closed')));
  return s;
}

// drop forgets connection s and fails the request in flight, if any.
function drop(s, err) {
  if (sock !== s) return;
  sock = undefined;
  rbuf = Buffer.alloc(0);
  s.destroy();
  const p = pending;
  pending = undefined;
  if (p) p.reject(err);
}

// parseAnswer settles the request in flight once its whole answer is in.
function parseAnswer() {
  if (!pending) return;
  const end = rbuf.indexOf('\r\n\r\n');
  if (end < 0) return;
  const lines = rbuf.toString('latin1', 0, end).split('\r\n');
  const status = Number(lines[0].split(' ')[1]);
  const headers = {};
  for (let i = 1; i < lines.length; i++) {
    const c = lines[i].indexOf(':');
    if (c > 0) headers[lines[i].slice(0, c).trim().toLowerCase()] = lines[i].slice(c + 1).trim();
  }
  const len = Number(headers['content-length'] || 0);
  if (rbuf.length < end + 4 + len) return;
  const body = Buffer.from(rbuf.subarray(end + 4, end + 4 + len));
  rbuf = rbuf.subarray(end + 4 + len);
  const p = pending;
  pending = undefined;
  if (/close/i.test(headers.connection || '')) {
    const s = sock;
    sock = undefined;
    s.end();
  } else {
    sock.unref();
  }
  p.resolve({ status, headers, body });
}

// headerValue keeps a header value to one printable line.
function headerValue(v) {
  return String(v).replace(/[^\x20-\x7e\t]/g, '');
}

// request sends one Runtime API request and resolves with status, headers
// (names in lower case) and body.
function request(method, p, body, headers = {}) {
  return new Promise((resolve, reject) => {
    if (!sock) sock = connect();
    sock.ref();
    pending = { resolve, reject };
    let head = `${method} ${base}${p} HTTP/1.1\r\nHost: ${apiHost}:${apiPort}\r\n`;
    for (const [k, v] of Object.entries(headers)) {
      if (v !== undefined) head += `${k}: ${headerValue(v)}\r\n`;
    }
    if (body === undefined) {
      sock.write(head + '\r\n', 'latin1');
      return;
    }
    const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    sock.write(Buffer.concat([Buffer.from(`${head}Content-Length: ${b.length}\r\n\r\n`, 'latin1'), b]));
  });
}

// Logging: console output in Lambda's text format,
// "<ISO time>\t<request id>\t<LEVEL>\t<message>".
function logLine(level, args) {
  const line = `${new Date().toISOString()}\t${currentId}\t${level}\t${util.format(...args)}\n`;
  (level === 'ERROR' || level === 'WARN' ? stderrWrite : stdoutWrite)(line);
}
for (const [method, level] of [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG']]) {
  console[method] = (...args) => logLine(level, args);
}
console.trace = (...args) => {
  const stack = new Error().stack.split('\n').slice(2).join('\n');
  logLine('TRACE', [util.format(...args) + '\n' + stack]);
};

// Errors, as Lambda reports them: {"errorType","errorMessage","trace"}.
class RuntimeError extends Error {
  constructor(type, message) {
    super(message);
    this.name = type;
  }
}

function isError(e) {
  return util.types.isNativeError(e) || (e !== null && typeof e === 'object' &&
    typeof e.name === 'string' && typeof e.message === 'string' && typeof e.stack === 'string');
}

function errorDocument(e) {
  if (isError(e)) {
    return { errorType: e.name, errorMessage: e.message, trace: String(e.stack).split('\n') };
  }
  let message;
  try {
    message = typeof e === 'string' ? e : JSON.stringify(e);
  } catch {
    message = String(e);
  }
  return { errorType: typeof e, errorMessage: message === undefined ? String(e) : message, trace: [] };
}

function postError(p, e) {
  const doc = errorDocument(e);
  let body;
  try {
    body = JSON.stringify(doc);
  } catch {
    body = JSON.stringify({ errorType: doc.errorType, errorMessage: String(doc.errorMessage), trace: [] });
  }
  return request('POST', p, body, { 'Content-Type': 'application/json', 'Lambda-Runtime-Function-Error-Type': doc.errorType });
}

// Loading the handler.
async function loadHandler(handlerString, root) {
  const slash = handlerString.lastIndexOf('/');
  const dir = handlerString.slice(0, slash + 1);
  const m = /^([^.]*)\.(.*)$/.exec(handlerString.slice(slash + 1));
  if (!m || m[1] === '' || m[2] === '') {
    throw new RuntimeError('Runtime.MalformedHandlerName', 'Bad handler');
  }
  const [, moduleName, handlerPath] = m;
  const stem = path.resolve(root, dir, moduleName);
  const file = ['.js', '.mjs', '.cjs'].map((ext) => stem + ext).find((f) => fs.existsSync(f));
  if (file === undefined) {
    throw new RuntimeError('Runtime.ImportModuleError', `Error: Cannot find module '${stem}'\nRequire stack:\n- ${clientPath}`);
  }
  let mod;
  try {
    if (isESM(file)) {
      const ns = await import(pathToFileURL(file).href);
      mod = ns;
    } else {
      mod = createRequire(file)(file);
    }
  } catch (e) {
    if (e && (e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND')) {
      throw new RuntimeError('Runtime.ImportModuleError', String(e));
    }
    if (e instanceof SyntaxError) {
      throw new RuntimeError('Runtime.UserCodeSyntaxError', String(e));
    }
    throw e;
  }
  let fn = mod;
  for (const part of handlerPath.split('.')) {
    fn = fn == null ? undefined : fn[part];
  }
  const name = moduleName + '.' + handlerPath;
  if (fn === undefined) {
    throw new RuntimeError('Runtime.HandlerNotFound', `${name} is undefined or not exported`);
  }
  if (typeof fn !== 'function') {
    throw new RuntimeError('Runtime.HandlerNotFound', `${name} is not a function`);
  }
  return fn;
}

// isESM tells an ES module: .mjs, or .js under a package.json with
// "type": "module" (the nearest package.json decides, as in Node.js).
function isESM(file) {
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs')) return false;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        return JSON.parse(fs.readFileSync(pj, 'utf8')).type === 'module';
      } catch {
        return false;
      }
    }
    if (path.dirname(dir) === dir) return false;
  }
}

// Invoking: settles once with {result} or {error}. A promise returned by
// the handler settles at once; callback(err, result) settles when the
// event loop is empty (or at once with callbackWaitsForEmptyEventLoop
// false); a handler that does neither returns null when the loop empties.
function invoke(fn, event, context) {
  return new Promise((resolve) => {
    let settled = false;
    let pending; // a callback outcome waiting for the empty event loop
    const onEmpty = () => settle(pending || { result: undefined });
    const settle = (o) => {
      if (settled) return;
      settled = true;
      process.removeListener('beforeExit', onEmpty);
      resolve(o);
    };
    const callback = (err, result) => {
      const o = err !== undefined && err !== null ? { error: err } : { result };
      if (context.callbackWaitsForEmptyEventLoop) {
        pending = pending || o;
      } else {
        settle(o);
      }
    };
    current.settle = settle;
    process.on('beforeExit', onEmpty);
    context.done = callback;
    context.succeed = (result) => callback(null, result);
    context.fail = (err) => callback(err === undefined || err === null ? 'handled' : err);
    let ret;
    try {
      ret = fn(event, context, callback);
    } catch (e) {
      settle({ error: e });
      return;
    }
    if (ret !== null && typeof ret === 'object' && typeof ret.then === 'function') {
      ret.then((result) => settle({ result }), (error) => settle({ error }));
    }
  });
}

function makeContext(id, headers) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: id,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: parseHeader(headers['lambda-runtime-cognitoidentity']),
    clientContext: parseHeader(headers['lambda-runtime-client-context']),
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
  };
  return context;
}

function parseHeader(v) {
  if (v === undefined || v === '') return undefined;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

// Errors outside a handler's control flow end the process, as on Lambda,
// after the invocation in progress is reported failed.
function fatal(kind, e) {
  const doc = errorDocument(e);
  logLine('ERROR', [kind, JSON.stringify({ errorType: doc.errorType, errorMessage: doc.errorMessage, stack: doc.trace })]);
  if (current) {
    current.settle({ error: e, fatal: true });
  } else {
    process.exit(129);
  }
}
process.on('uncaughtException', (e) => fatal('Uncaught Exception', e));
process.on('unhandledRejection', (reason) => {
  const e = new RuntimeError('Runtime.UnhandledPromiseRejection', isError(reason) ? `${reason.name}: ${reason.message}` : String(reason));
  fatal('Unhandled Promise Rejection', e);
});

async function main() {
  let handler;
  try {
    handler = await loadHandler(env._HANDLER || '', env.LAMBDA_TASK_ROOT || process.cwd());
  } catch (e) {
    const doc = errorDocument(e);
    logLine('ERROR', ['Uncaught Exception', JSON.stringify({ errorType: doc.errorType, errorMessage: doc.errorMessage, stack: doc.trace })]);
    await postError('/init/error', e).catch(() => {});
    process.exit(129);
  }
  for (;;) {
    const next = await request('GET', '/invocation/next');
    if (next.status !== 200) {
      throw new Error(`Runtime API answered ${next.status} to invocation/next`);
    }
    const h = next.headers;
    const id = h['lambda-runtime-aws-request-id'];
    currentId = id;
    current = { id, settle: () => {} };
    if (h['lambda-runtime-trace-id']) env._X_AMZN_TRACE_ID = h['lambda-runtime-trace-id'];
    let outcome;
    try {
      const event = JSON.parse(next.body.toString('utf8'));
      outcome = await invoke(handler, event, makeContext(id, h));
    } catch (e) {
      outcome = { error: e };
    }
    let body;
    if (!('error' in outcome)) {
      try {
        body = JSON.stringify(outcome.result === undefined ? null : outcome.result) ?? 'null';
      } catch {
        outcome = { error: new RuntimeError('Runtime.MarshalError', 'Unable to stringify response body') };
      }
    }
    if ('error' in outcome && !outcome.fatal) {
      const doc = errorDocument(outcome.error);
      logLine('ERROR', ['Invoke Error', JSON.stringify({ errorType: doc.errorType, errorMessage: doc.errorMessage, stack: doc.trace })]);
    }
    current = undefined;
    if ('error' in outcome) {
      await postError(`/invocation/${id}/error`, outcome.error);
      if (outcome.fatal) process.exit(129);
    } else {
      await request('POST', `/invocation/${id}/response`, body, { 'Content-Type': 'application/json' });
    }
  }
}

main().catch((e) => {
  stderrWrite(`portico runtime client: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
