"""JUnit XML for CI dashboards: one <testsuite> per exercise, one <testcase> per check.

Valid against the Jenkins xUnit plugin's `junit-10.xsd` (the strictest schema in common use): a
<testcase> may hold only skipped/error/failure/system-out/system-err, so per-check points are
properties of the exercise's <testsuite> (`score.<check>`, `max_score.<check>`, and the exercise's
`score`/`max_score`); <testsuites> carries only name, time, tests, failures and errors. Every text
goes through `textsafe.xml_text`: characters XML 1.0 forbids (control characters a student's
message may hold) are dropped, so the file always parses. `skipped` and `not_judged` checks are
<skipped>: neutral, as everywhere.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from autograder.results import NEUTRAL, GradeResult
from autograder.textsafe import xml_text

SHORT = 500  # characters of a message repeated in the `message` attribute


def _properties(suite: ElementTree.Element, values: list[tuple[str, str]]) -> None:
    properties = ElementTree.SubElement(suite, "properties")
    for name, value in values:
        ElementTree.SubElement(properties, "property", name=xml_text(name), value=value)


def render(result: GradeResult) -> str:
    suites = ElementTree.Element("testsuites", name="autograder", time=f"{result.duration_s:.3f}")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for exercise in result.exercises:
        failures = sum(check.status == "failed" for check in exercise.checks)
        errors = sum(check.status in ("error", "timeout") for check in exercise.checks)
        skipped = sum(check.status in NEUTRAL for check in exercise.checks)
        suite = ElementTree.SubElement(
            suites,
            "testsuite",
            name=xml_text(exercise.id),
            tests=str(len(exercise.checks)),
            failures=str(failures),
            errors=str(errors),
            skipped=str(skipped),
            time=f"{exercise.duration_s:.3f}",
        )
        points = [("score", f"{exercise.score:g}"), ("max_score", f"{exercise.max_score:g}")]
        for check in exercise.checks:
            points += [
                (f"score.{check.name}", f"{check.score:g}"),
                (f"max_score.{check.name}", f"{check.max_score:g}"),
            ]
        _properties(suite, points)
        for check in exercise.checks:
            case = ElementTree.SubElement(
                suite,
                "testcase",
                classname=xml_text(exercise.id),
                name=xml_text(check.name),
                time=f"{check.duration_s:.3f}",
            )
            message = xml_text(check.message)
            if check.status == "failed":
                ElementTree.SubElement(
                    case, "failure", message=xml_text(message, SHORT), type="wrong answer"
                ).text = message
            elif check.status in ("error", "timeout"):
                ElementTree.SubElement(
                    case, "error", message=xml_text(message, SHORT), type=check.status
                ).text = message
            elif check.status in NEUTRAL:
                ElementTree.SubElement(case, "skipped", message=xml_text(message, SHORT), type=check.status)
        totals["tests"] += len(exercise.checks)
        totals["failures"] += failures
        totals["errors"] += errors
    for key, value in totals.items():
        suites.set(key, str(value))
    ElementTree.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode") + "\n"
    )
