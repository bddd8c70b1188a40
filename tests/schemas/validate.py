#!/usr/bin/python3
"""Validates what a run wrote against docs/schemas/ (python3-jsonschema):
run.json, every journal line, report.json's harness object and every perf-store file.
    validate.py OUTPUT_DIR [PERF_STORE]
Prints each violation with its file and exits 1 when there is one."""
import glob
import json
import os
import sys

import jsonschema

SCHEMAS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "schemas")


def validator(name):
    path = os.path.join(SCHEMAS, name)
    with open(path) as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    resolver = jsonschema.RefResolver(base_uri="file://" + os.path.realpath(path), referrer=schema)
    return cls(schema, resolver=resolver)


def main():
    output_dir = sys.argv[1]
    store = sys.argv[2] if len(sys.argv) > 2 else None
    checks = []  # (what, document, validator)
    with open(os.path.join(output_dir, "run.json")) as f:
        checks.append(("run.json", json.load(f), validator("run.schema.json")))
    line_validator = validator("journal-line.schema.json")
    for journal in sorted(glob.glob(os.path.join(output_dir, "journal", "*.jsonl"))):
        with open(journal) as f:
            for number, line in enumerate(f, 1):
                checks.append((f"{journal}:{number}", json.loads(line), line_validator))
    with open(os.path.join(output_dir, "report.json")) as f:
        checks.append(("report.json harness", json.load(f)["harness"], validator("report-harness.schema.json")))
    if store:
        perf_validator = validator("perf-run.schema.json")
        for perf in sorted(glob.glob(os.path.join(store, "perf_results_*.json"))):
            with open(perf) as f:
                checks.append((perf, json.load(f), perf_validator))
    failures = 0
    for what, document, v in checks:
        for error in v.iter_errors(document):
            failures += 1
            print(f"{what}: {'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}")
    print(f"validate.py: {len(checks)} documents, {failures} violations")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
