"""A handler in a package, named pkg/handlers.handler."""
import json


def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({"module": __name__, "resource": event["resource"]})}
