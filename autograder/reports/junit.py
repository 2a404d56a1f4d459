"""JUnit XML: one <testsuite> per exercise, one <testcase> per check, for CI dashboards."""
from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from autograder.results import GradeResult


def render(result: GradeResult) -> str:
    suites = ElementTree.Element("testsuites", name="autograder", time=f"{result.duration_s:.3f}")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for exercise in result.exercises:
        failures = sum(check.status == "failed" for check in exercise.checks)
        errors = sum(check.status in ("error", "timeout") for check in exercise.checks)
        skipped = sum(check.status == "skipped" for check in exercise.checks)
        suite = ElementTree.SubElement(suites, "testsuite", name=exercise.id, tests=str(len(exercise.checks)),
                                       failures=str(failures), errors=str(errors), skipped=str(skipped),
                                       time=f"{exercise.duration_s:.3f}")
        for check in exercise.checks:
            case = ElementTree.SubElement(suite, "testcase", classname=exercise.id, name=check.name,
                                          time=f"{check.duration_s:.3f}")
            ElementTree.SubElement(case, "properties").extend([
                ElementTree.Element("property", name="score", value=f"{check.score:g}"),
                ElementTree.Element("property", name="max_score", value=f"{check.max_score:g}"),
            ])
            if check.status == "failed":
                ElementTree.SubElement(case, "failure", message=check.message[:500], type="wrong answer").text = check.message
            elif check.status in ("error", "timeout"):
                ElementTree.SubElement(case, "error", message=check.message[:500], type=check.status).text = check.message
            elif check.status == "skipped":
                ElementTree.SubElement(case, "skipped", message=check.message[:500])
        totals["tests"] += len(exercise.checks)
        totals["skipped"] += skipped
        totals["failures"] += failures
        totals["errors"] += errors
    for key, value in totals.items():
        suites.set(key, str(value))
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode") + "\n"
