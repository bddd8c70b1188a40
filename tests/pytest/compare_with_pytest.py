"""Compares a tellus-harness run of a pytest project with pytest's own serial run of it.

usage: compare_with_pytest.py HARNESS_REPORT_JSON HARNESS_REPORT_XML PYTEST_JUNIT_XML

Both JUnit files are read with junitparser (python3-junitparser), test cases named with
pytest's own mangle_test_address. For every test case of pytest's run, the harness must have
the same outcome in report.xml and in report.json; every harness test that pytest's run lacks
must be one pytest left out (marked `crashes`, which would end a serial run). Prints each
difference and exits 1 when there is one.
"""
import json
import sys

from _pytest.junitxml import mangle_test_address
from junitparser import Error, Failure, JUnitXml, Skipped


def junit_outcomes(path):
    outcomes = {}
    for suite in JUnitXml.fromfile(path):
        for case in suite:
            kinds = [r for r in case.result]
            if any(isinstance(r, Error) for r in kinds):
                outcome = "error"
            elif any(isinstance(r, Failure) for r in kinds):
                outcome = "failed"
            elif any(isinstance(r, Skipped) for r in kinds):
                outcome = "xfailed" if any(r.type == "pytest.xfail" for r in kinds) else "skipped"
            else:
                outcome = "passed"
            outcomes[(case.classname or "", case.name)] = outcome
    return outcomes


def junit_key(nodeid):
    names = mangle_test_address(nodeid)
    return (".".join(names[:-1]), names[-1])


def main(report_json, report_xml, reference_xml):
    report = json.load(open(report_json, encoding="utf-8"))
    # JUnit cannot tell an unexpected pass from a pass.
    harness = {junit_key(t["nodeid"]): ("passed" if t["outcome"] == "xpassed" else t["outcome"], t)
               for t in report["tests"]}
    harness_xml = junit_outcomes(report_xml)
    reference = junit_outcomes(reference_xml)
    problems = [] if reference else ["pytest's own run has no test cases: nothing to compare with"]
    for key, outcome in sorted(reference.items()):
        if key not in harness:
            problems.append("%s: pytest ran it, the harness did not" % (key,))
        elif harness[key][0] != outcome:
            problems.append("%s: pytest says %s, report.json says %s" % (key, outcome, harness[key][0]))
        if harness_xml.get(key) != outcome:
            problems.append("%s: pytest says %s, report.xml says %s" % (key, outcome, harness_xml.get(key)))
    for key, (outcome, test) in sorted(harness.items()):
        if key not in reference and "crashes" not in test.get("keywords", []):
            problems.append("%s: the harness ran it (%s), pytest did not" % (key, outcome))
    for p in problems:
        print(p)
    print("%d pytest test cases, %d harness tests, %d differences" % (len(reference), len(harness), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
