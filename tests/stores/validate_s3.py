"""Validates S3 lifecycle configurations with botocore's own S3 service model.

Usage: validate_s3.py FILE... (each `.json` is the request's LifecycleConfiguration; each
`.xml` is parsed by botocore's REST-XML parser against the GetBucketLifecycleConfiguration
output shape, then validated the same way). Prints one JSON line per file with the parsed
rules, exits 1 on the first invalid file.
"""
import json
import sys

import botocore.session
from botocore.parsers import create_parser
from botocore.validate import ParamValidator

session = botocore.session.get_session()
model = session.get_service_model("s3")
put = model.operation_model("PutBucketLifecycleConfiguration")
get = model.operation_model("GetBucketLifecycleConfiguration")
config_shape = put.input_shape.members["LifecycleConfiguration"]

for path in sys.argv[1:]:
    with open(path, "rb") as f:
        body = f.read()
    if path.endswith(".xml"):
        parsed = create_parser("rest-xml").parse(
            {"body": body, "headers": {}, "status_code": 200}, get.output_shape
        )
        parsed.pop("ResponseMetadata", None)
        config = {"Rules": parsed.get("Rules", [])}
    else:
        config = json.loads(body)
    report = ParamValidator().validate({"Bucket": "example-bucket", "LifecycleConfiguration": config}, put.input_shape)
    if report.has_errors():
        print(f"{path}: {report.generate_report()}", file=sys.stderr)
        sys.exit(1)
    # The shape has no other members than those validated; reject unknown keys explicitly too.
    for rule in config["Rules"]:
        unknown = set(rule) - set(config_shape.members["Rules"].member.members)
        if unknown:
            print(f"{path}: unknown rule members {sorted(unknown)}", file=sys.stderr)
            sys.exit(1)
    print(json.dumps({"file": path, "rules": config["Rules"]}, sort_keys=True, default=str))
