import json


def handler(event, context):
    claims = event.get("requestContext", {}).get("authorizer", {}).get("jwt", {}).get("claims", {})
    return {"statusCode": 200, "body": json.dumps({"route": event["routeKey"], "sub": claims.get("sub")})}
