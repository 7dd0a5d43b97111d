"""Python test handlers for Portico's runtime client."""
import json
import subprocess
import time

import shout  # from a layer's python directory (PYTHONPATH)

invocations = 0


def lambda_handler(event, context):
    global invocations
    invocations += 1
    print("handling", event["path"])
    remaining = context.get_remaining_time_in_millis()
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({
            "module": "python",
            "greeting": shout.shout("hello " + ((event.get("queryStringParameters") or {}).get("name") or "world")),
            "method": event["httpMethod"],
            "invocations": invocations,
            "context": {
                "aws_request_id": type(context.aws_request_id).__name__,
                "function_name": context.function_name,
                "function_version": context.function_version,
                "invoked_function_arn": context.invoked_function_arn,
                "memory_limit_in_mb": context.memory_limit_in_mb,
                "log_group_name": context.log_group_name,
                "remaining": 0 < remaining <= 5000,
            },
        }),
    }


def fail(event, context):
    raise ValueError("the pet store is closed")


def conflict(event, context):
    raise Exception("Conflict: pet 7 already exists")


def slow(event, context):
    time.sleep(60)


def unserializable(event, context):
    return {"tags": {"a"}}


def echo(event, context):
    """Answers the proxy response the client sent as the body (benchmarks)."""
    return json.loads(event["body"])


def tool(event, context):
    """Runs an executable from a layer's bin directory (on PATH)."""
    out = subprocess.run(["layer-tool"], capture_output=True, text=True, check=True).stdout
    return {"statusCode": 200, "body": out}
