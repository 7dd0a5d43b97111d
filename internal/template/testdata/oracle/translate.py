"""Translate a SAM template with aws-sam-translator and print, as JSON, the
API Gateway resources of the result: per API its definition body and stage
names, and the usage plans. Used by internal/template's oracle test.

Usage: python3 translate.py template.json '{"Param": "value"}'
With TRANSLATE_FULL=1 the whole translated template is printed instead
(the test converts the YAML template to JSON with intrinsics in long form
and local CodeUri values replaced by S3 locations, which the translator
requires)."""
import json
import os
import sys

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

from samtranslator.translator.transform import transform  # noqa: E402


class NoPolicies:
    """A managed-policy loader that knows no policies (none are needed)."""

    def load(self):
        return {}


def main():
    with open(sys.argv[1]) as f:
        template = json.load(f)
    params = {"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012",
              "AWS::Partition": "aws", "AWS::StackName": "portico"}
    params.update(json.loads(sys.argv[2]) if len(sys.argv) > 2 else {})
    out = transform(template, params, NoPolicies())
    if os.environ.get("TRANSLATE_FULL") == "1":
        json.dump(out, sys.stdout, indent=1, sort_keys=True, default=str)
        return
    apis, stages, plans = {}, {}, []
    stage_names = {n: r["Properties"]["StageName"] for n, r in out.get("Resources", {}).items()
                   if r.get("Type") == "AWS::ApiGateway::Stage"}
    for name, res in out.get("Resources", {}).items():
        t, p = res.get("Type"), res.get("Properties", {})
        if t in ("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"):
            apis[name] = p.get("Body")
        elif t == "AWS::ApiGateway::Stage":
            stages.setdefault(p["RestApiId"]["Ref"], []).append(p["StageName"])
        elif t == "AWS::ApiGatewayV2::Stage":
            stages.setdefault(p["ApiId"]["Ref"], []).append(p["StageName"])
        elif t == "AWS::ApiGateway::UsagePlan":
            plans.append({"name": name, "apiStages": [
                {"api": s["ApiId"]["Ref"], "stage": stage_names.get(s["Stage"]["Ref"]) if isinstance(s["Stage"], dict) else s["Stage"]}
                for s in p.get("ApiStages", [])],
                "quota": p.get("Quota"), "throttle": p.get("Throttle")})
    json.dump({"apis": apis, "stages": stages, "plans": plans}, sys.stdout, indent=1, sort_keys=True, default=str)


if __name__ == "__main__":
    main()
