"""Commands for contributors: `new` (scaffold an exercise)."""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

from autograder import catalog


def default_notes() -> Path:
    """The course notes: $AUTOGRADER_NOTES, else ../shared/course-notes beside the checkout."""
    return Path(os.environ.get("AUTOGRADER_NOTES") or catalog.KIT_ROOT.parent / "shared" / "course-notes")


def register(sub) -> None:
    new = sub.add_parser(
        "new", help="scaffold a new exercise: every file it needs, from templates (CONTRIBUTING.md)"
    )
    new.add_argument(
        "exercise", metavar="NN_topic", help="the new exercise's id: the next number and a topic"
    )
    new.add_argument("--module", required=True, metavar="NAME", help="the student's file, NAME.py")
    new.add_argument(
        "--lesson",
        required=True,
        metavar="HEADING",
        help="the course lesson it comes from: a heading of the course notes, or a part of one",
    )
    new.add_argument("--title", default=None, help="English title (default: from the topic)")
    new.add_argument("--title-zh", default=None, help="Chinese title (default: the lesson's heading)")
    new.add_argument(
        "--lesson-en",
        default=None,
        help="the lesson named in English, e.g. 'main course, lesson 12: linear and other layers'",
    )
    new.add_argument("--lesson-zh", default=None, help="the lesson named in Chinese (default: its heading)")
    new.add_argument(
        "--notes",
        type=Path,
        default=None,
        help="the course notes folder (default: $AUTOGRADER_NOTES or ../shared/course-notes)",
    )
    new.add_argument(
        "--notes-file", default=None, help="the notes file holding the heading (default: searched)"
    )
    new.set_defaults(handler=cmd_new)


def cmd_new(args: argparse.Namespace) -> int:
    from autograder import scaffold

    notes, heading = scaffold.find_lesson(args.notes or default_notes(), args.lesson, args.notes_file)
    topic = args.exercise[3:]
    exercise = scaffold.NewExercise(
        id=args.exercise,
        module=args.module,
        title=args.title or topic.replace("_", " ").capitalize(),
        title_zh=args.title_zh or re.sub(r"^[一二三四五六七八九十百]+、", "", heading),
        lesson=scaffold.Lesson(
            notes, heading, args.lesson_en or f"the course notes, 「{heading}」", args.lesson_zh or heading
        ),
    )
    created = scaffold.create(catalog.KIT_ROOT, exercise)
    for path in created.created:
        print(f"created {path}")
    for path in created.edited:
        print(f"added {exercise.id} to {path}")
    print(
        f"\n{exercise.id} is a small working exercise (a function `scale`). Make it yours, piece by piece:"
        f" CONTRIBUTING.md, 'Add an exercise'. Check it with:\n"
        f"  python -m pytest tests/test_catalog.py\n"
        f"  python -m pytest tests/test_hints.py tests/test_course_style.py -k {exercise.id}\n"
        f"  autograder grade solutions --exercise {exercise.id} --format table"
    )
    return 0
