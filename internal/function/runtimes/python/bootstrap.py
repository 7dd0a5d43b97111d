# Portico's runtime client for Python Lambda handlers. Portico runs it with
# the local python3; it imports the handler named by _HANDLER from
# LAMBDA_TASK_ROOT and serves invocations through the Lambda Runtime API
# (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html), the way
# Lambda's managed Python runtimes do
# (https://docs.aws.amazon.com/lambda/latest/dg/python-handler.html,
# python-context.html, python-exceptions.html).
import decimal
import importlib
import json
import logging
import os
import re
import socket
import sys
import time
import traceback

_env = os.environ
_task_root = _env.get("LAMBDA_TASK_ROOT") or os.getcwd()
# The code directory comes first on sys.path, instead of this file's own.
sys.path[0] = _task_root

_host, _, _port = (_env.get("AWS_LAMBDA_RUNTIME_API") or "127.0.0.1:9001").rpartition(":")
_host = _host.strip("[]")
_base = "/2018-06-01/runtime"
_sock = None  # one kept-alive connection to the Runtime API
_rfile = None  # its buffered reader
_current_id = ""


class _Headers(dict):
    """An answer's headers, looked up by name in any letter case."""

    def get(self, name, default=None):
        return dict.get(self, name.lower(), default)

    def __getitem__(self, name):
        return dict.__getitem__(self, name.lower())


def _connect():
    global _sock, _rfile
    _sock = socket.create_connection((_host, int(_port)))
    _sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    _rfile = _sock.makefile("rb")


def _close():
    global _sock, _rfile
    for f in (_rfile, _sock):
        if f is not None:
            try:
                f.close()
            except OSError:
                pass
    _sock = _rfile = None


def _header_value(v):
    """Keeps a header value to one printable line."""
    return re.sub(r"[^\x20-\x7e\t]", "", str(v))


def _read_answer():
    line = _rfile.readline(65537)
    if not line:
        raise ConnectionError("Runtime API connection closed")
    status = int(line.split()[1])
    headers = _Headers()
    while True:
        line = _rfile.readline(65537)
        if not line:
            raise ConnectionError("Runtime API connection closed")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    n = int(headers.get("Content-Length") or 0)
    body = _rfile.read(n)
    if len(body) < n:
        raise ConnectionError("Runtime API connection closed")
    if "close" in (headers.get("Connection") or "").lower():
        _close()
    return status, headers, body


def _request(method, path, body=None, headers=None):
    """Sends one Runtime API request on a kept-alive connection. Portico's
    Runtime API answers every request with a Content-Length body, so a
    request line, headers and a length-delimited answer are all the HTTP
    needed, at a fraction of http.client's cost per call."""
    if isinstance(body, str):
        body = body.encode()
    head = "%s %s%s HTTP/1.1\r\nHost: %s:%s\r\n" % (method, _base, path, _host, _port)
    for k, v in (headers or {}).items():
        head += "%s: %s\r\n" % (k, _header_value(v))
    if body is not None:
        head += "Content-Length: %d\r\n" % len(body)
    data = (head + "\r\n").encode("latin-1") + (body or b"")
    for attempt in (0, 1):
        if _sock is None:
            _connect()
        try:
            _sock.sendall(data)
            return _read_answer()
        except (OSError, ValueError, IndexError):
            _close()
            if attempt:
                raise


def _error_document(error_type, message, stack, request_id):
    return {"errorMessage": message, "errorType": error_type, "requestId": request_id, "stackTrace": stack}


def _post_error(path, doc):
    body = json.dumps(doc).encode()
    _request("POST", path, body, {"Content-Type": "application/json",
                                  "Lambda-Runtime-Function-Error-Type": doc["errorType"]})


def _log_error(doc):
    lines = ["[ERROR] %s: %s" % (doc["errorType"], doc["errorMessage"])]
    if doc["stackTrace"]:
        lines.append("Traceback (most recent call last):")
        lines.extend(s.rstrip("\n") for s in doc["stackTrace"])
    sys.stdout.write("\n".join(lines) + "\n")


class _InitError(Exception):
    def __init__(self, error_type, message, stack=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.stack = stack or []


def _load_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise _InitError("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (handler, e))
    modname = modname.replace("/", ".")
    try:
        module = importlib.import_module(modname)
    except ImportError as e:
        raise _InitError("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (modname, e))
    except SyntaxError as e:
        raise _InitError("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (modname, e),
                         traceback.format_list(traceback.extract_tb(e.__traceback__)[1:]))
    except Exception as e:
        raise _InitError(type(e).__name__, str(e), traceback.format_list(traceback.extract_tb(e.__traceback__)[1:]))
    fn = getattr(module, fname, None)
    if fn is None:
        raise _InitError("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (fname, modname))
    return fn


class CognitoIdentity:
    def __init__(self, doc):
        doc = doc or {}
        self.cognito_identity_id = doc.get("cognitoIdentityId")
        self.cognito_identity_pool_id = doc.get("cognitoIdentityPoolId")


class Client:
    def __init__(self, doc):
        self.installation_id = doc.get("installation_id")
        self.app_title = doc.get("app_title")
        self.app_version_name = doc.get("app_version_name")
        self.app_version_code = doc.get("app_version_code")
        self.app_package_name = doc.get("app_package_name")


class ClientContext:
    def __init__(self, doc):
        self.client = Client(doc["client"]) if isinstance(doc.get("client"), dict) else None
        self.custom = doc.get("custom")
        self.env = doc.get("env")


class LambdaContext:
    """Lambda's context object for Python handlers."""

    def __init__(self, request_id, headers):
        self.aws_request_id = request_id
        self.function_name = _env.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = _env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self.memory_limit_in_mb = _env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = _env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = _env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.identity = CognitoIdentity(_parse(headers.get("Lambda-Runtime-Cognito-Identity")))
        cc = _parse(headers.get("Lambda-Runtime-Client-Context"))
        self.client_context = ClientContext(cc) if isinstance(cc, dict) else None
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms") or 0)

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(time.time() * 1000), 0)


def _parse(value):
    if not value:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def _json_default(o):
    if isinstance(o, decimal.Decimal):
        return int(o) if o == o.to_integral_value() else float(o)
    raise TypeError("Object of type %s is not JSON serializable" % type(o).__name__)


class _RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _current_id
        return True


def _setup_logging():
    """The root logger writes Lambda's text format, as on Lambda."""
    handler = logging.StreamHandler(sys.stdout)
    formatter = logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
                                  "%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(_RequestIdFilter())
    logging.getLogger().addHandler(handler)


def main():
    global _current_id
    _setup_logging()
    try:
        handler = _load_handler(_env.get("_HANDLER", ""))
    except _InitError as e:
        doc = _error_document(e.error_type, e.message, e.stack, "")
        _log_error(doc)
        _post_error("/init/error", doc)
        sys.exit(1)
    while True:
        status, headers, body = _request("GET", "/invocation/next")
        if status != 200:
            raise RuntimeError("Runtime API answered %d to invocation/next" % status)
        request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        _current_id = request_id
        if headers.get("Lambda-Runtime-Trace-Id"):
            _env["_X_AMZN_TRACE_ID"] = headers["Lambda-Runtime-Trace-Id"]
        doc, payload = None, None
        try:
            event = json.loads(body) if body else None
            result = handler(event, LambdaContext(request_id, headers))
        except Exception as e:
            stack = traceback.format_list(traceback.extract_tb(e.__traceback__)[1:])
            doc = _error_document(type(e).__name__, str(e), stack, request_id)
        else:
            try:
                payload = json.dumps(result, default=_json_default).encode()
            except (TypeError, ValueError, RecursionError) as e:
                doc = _error_document("Runtime.MarshalError", "Unable to marshal response: %s" % e, [], request_id)
        if doc is not None:
            _log_error(doc)
            _post_error("/invocation/%s/error" % request_id, doc)
        else:
            _request("POST", "/invocation/%s/response" % request_id, payload, {"Content-Type": "application/json"})


if __name__ == "__main__":
    main()
