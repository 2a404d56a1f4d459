"""The kit's own JSON (schema 1, see autograder/schema/result.schema.json)."""
from __future__ import annotations

import json

from autograder.results import GradeResult


def render(result: GradeResult) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
