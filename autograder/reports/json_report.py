"""The kit's own JSON (schema 1, see autograder/schema/result.schema.json).

`message` is rendered in the configured language; `messages` keeps both. Every string is cleaned
(`textsafe.clean_tree`): a lone surrogate or an ANSI code from a student's exception cannot make
the file unwritable or colour a reader's terminal.
"""

from __future__ import annotations

import json

from autograder.results import GradeResult
from autograder.textsafe import clean_tree


def render(result: GradeResult) -> str:
    return json.dumps(clean_tree(result.to_dict()), ensure_ascii=False, indent=2) + "\n"
