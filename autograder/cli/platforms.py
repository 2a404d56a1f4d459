"""Commands that set the kit up on other platforms: `gradescope-bundle` and `ci-template`."""
from __future__ import annotations

import argparse
from pathlib import Path


def register(sub) -> None:
    ci = sub.add_parser("ci-template", help="write a CI set-up for a course repository")
    ci.add_argument("kind", choices=["github", "shell"], help="github: an Actions workflow; shell: a script for any CI")
    ci.add_argument("--gpu", action="store_true", help="grade on a self-hosted GPU runner (checks nvidia-smi first)")
    ci.add_argument("--out", type=Path, default=Path("."), help="the course repository's root (default: here)")
    ci.add_argument("--fail-under", type=float, default=None, metavar="PERCENT",
                    help="fail the CI job below this percentage of the maximum score")
    ci.set_defaults(handler=cmd_ci_template)
    bundle = sub.add_parser("gradescope-bundle", help="write a Gradescope autograder zip (setup.sh, run_autograder)")
    bundle.add_argument("out", type=Path, help="the zip to write, e.g. autograder.zip")
    bundle.set_defaults(handler=cmd_gradescope_bundle)


def cmd_ci_template(args: argparse.Namespace) -> int:
    from autograder import ci_templates

    path = ci_templates.write(args.kind, args.out, gpu=args.gpu, fail_under=args.fail_under)
    print(f"wrote {path}")
    return 0


def cmd_gradescope_bundle(args: argparse.Namespace) -> int:
    from autograder import bundles

    print(f"wrote {bundles.gradescope_bundle(args.out)}: upload it as the assignment's autograder")
    return 0
