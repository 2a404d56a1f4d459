"""The learning loop's commands, the same in the kit and in a student release: `status`, `check`, `hint`,
`watch`, `reset` and `next` (short aliases `st`, `ck`, `w`). `register` adds them to a parser; `run` is
the release's `autograder` entry point, which has these commands only.
"""

from __future__ import annotations

import argparse
import os
import sys

from autograder import i18n
from autograder.errors import KitError
from autograder.i18n import Text, tr
from autograder.learning import progress as progress_module
from autograder.learning import reset as reset_module
from autograder.learning import state, visible
from autograder.learning.workspace import Workspace, find


def _lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        choices=i18n.LANGUAGES,
        default=None,
        help="en, zh or both (default: from the locale, or $AUTOGRADER_LANG)",
    )


def register(sub) -> None:
    """Add the learning-loop commands to an argparse subparsers object."""
    status = sub.add_parser(
        "status", aliases=["st"], help="your progress on every exercise, and the next one"
    )
    status.set_defaults(handler=cmd_status)
    check = sub.add_parser("check", aliases=["ck"], help="run one exercise's visible tests (short output)")
    check.add_argument("exercise", help="07, 07_maxpool or maxpool")
    check.set_defaults(handler=cmd_check)
    hint = sub.add_parser(
        "hint", help="a hint for an exercise: --level 1 the idea, 2 the API, 3 close to code"
    )
    hint.add_argument("exercise")
    hint.add_argument("--level", type=int, choices=(1, 2, 3), default=1)
    hint.add_argument(
        "--function", default=None, help="the function to get a hint for (default: the one to do)"
    )
    hint.set_defaults(handler=cmd_hint)
    watch = sub.add_parser(
        "watch", aliases=["w"], help="re-run the visible tests on every save (Ctrl-C stops)"
    )
    watch.add_argument("exercise", nargs="?", default=None, help="default: the next exercise to do")
    watch.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    watch.set_defaults(handler=cmd_watch)
    reset = sub.add_parser("reset", help="restore an exercise's stub; your file is kept as a .bak beside it")
    reset.add_argument("exercise")
    reset.set_defaults(handler=cmd_reset)
    nxt = sub.add_parser("next", help="the next exercise to do, its course lesson and how to start")
    nxt.set_defaults(handler=cmd_next)
    for parser in (status, check, hint, watch, reset, nxt):
        _lang(parser)


def _setup(args: argparse.Namespace) -> Workspace:
    if getattr(args, "lang", None):
        i18n.set_language(args.lang)
        os.environ["AUTOGRADER_LANG"] = args.lang
    return find()


def say(text: Text) -> None:
    """Print a message; in both languages, English and Chinese on lines of their own."""
    if i18n.language() == "both" and text.en != text.zh:
        print(text.en)
        print(text.zh)
    else:
        print(text.render())


def cmd_status(args: argparse.Namespace) -> int:
    workspace = _setup(args)
    items = progress_module.progress(workspace)
    width = max(len(item.exercise.id) for item in items)
    for item in items:
        print(f"  {item.exercise.id:<{width}}  {item.describe().render()}")
    done = sum(item.status == progress_module.DONE for item in items)
    say(Text(f"{done} of {len(items)} exercises done.", f"已完成 {done}/{len(items)} 个练习。"))
    following = progress_module.next_exercise(items)
    if following is None:
        say(Text("Everything is done. Well done!", "全部完成，干得好！"))
    else:
        number = following.exercise.id[:2]
        say(
            Text(
                f"Next: {following.exercise.id}: autograder check {number} (autograder hint {number} if "
                f"stuck)",
                f"下一个：{following.exercise.id}：autograder check {number}（卡住了就 autograder hint "
                f"{number}）",
            )
        )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    workspace = _setup(args)
    exercise = workspace.resolve(args.exercise)
    code = visible.run(workspace, exercise)
    run = state.load(workspace.state_file).get(exercise.id)
    if run is not None and run.all_passed:
        say(Text("Next: autograder next", "下一步：autograder next"))
    return 0 if code == 0 else 1


def cmd_hint(args: argparse.Namespace) -> int:
    workspace = _setup(args)
    exercise = workspace.resolve(args.exercise)
    hints = workspace.hints(exercise)
    if hints is None or not hints.hints:
        raise KitError(tr(f"exercise {exercise.id} has no hints", f"练习 {exercise.id} 没有提示"))
    hint = hints.find(args.function) if args.function else visible.current_hint(workspace, exercise, hints)
    if hint is None:
        choices = ", ".join(hints.functions())
        raise KitError(
            tr(
                f"no function {args.function!r} in {exercise.id}; choose one of: {choices}",
                f"{exercise.id} 中没有函数 {args.function!r}；可选：{choices}",
            )
        )
    number = exercise.id[:2]
    say(
        Text(
            f"{exercise.id} · {hint.function} · hint {args.level} of 3",
            f"{exercise.id} · {hint.function} · 提示 {args.level}/3",
        )
    )
    say(hint.level(args.level))
    if args.level == 1:
        lesson = hints.lesson
        say(Text(f"From the course: {lesson.text.en}", f"课程出处：{lesson.text.zh}"))
    if args.level < 3:
        say(
            Text(
                f"Still stuck? autograder hint {number} --level {args.level + 1}",
                f"还是卡住？autograder hint {number} --level {args.level + 1}",
            )
        )
    others = [name for name in hints.functions() if name != hint.function]
    if others and args.level == 1 and not args.function:
        say(
            Text(
                f"Other functions: --function {' | '.join(others)}",
                f"其他函数：--function {' | '.join(others)}",
            )
        )
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    from autograder.learning import watch

    workspace = _setup(args)
    if args.exercise:
        exercise = workspace.resolve(args.exercise)
    else:
        following = progress_module.next_exercise(progress_module.progress(workspace))
        if following is None:
            say(Text("Everything is done: nothing to watch.", "全部完成：没有要监视的练习。"))
            return 0
        exercise = following.exercise
    return watch.watch(workspace, exercise, once=args.once)


def cmd_reset(args: argparse.Namespace) -> int:
    workspace = _setup(args)
    exercise = workspace.resolve(args.exercise)
    backup = reset_module.reset(workspace, exercise)
    path = workspace.student_file(exercise).relative_to(workspace.root)
    if backup is None:
        say(Text(f"{path} is already the original stub.", f"{path} 已经是最初的练习文件。"))
    else:
        say(
            Text(
                f"{path} is the original stub again; your version is kept as {backup.name}",
                f"{path} 已恢复为最初的练习文件；你的版本保存在 {backup.name}",
            )
        )
    return 0


def cmd_next(args: argparse.Namespace) -> int:
    workspace = _setup(args)
    following = progress_module.next_exercise(progress_module.progress(workspace))
    if following is None:
        say(Text("Everything is done. Well done!", "全部完成，干得好！"))
        return 0
    exercise = following.exercise
    number = exercise.id[:2]
    hints = workspace.hints(exercise)
    say(
        Text(
            f"Next: {exercise.id}, {exercise.title} ({following.describe().en})",
            f"下一个：{exercise.id}，{exercise.title_zh}（{following.describe().zh}）",
        )
    )
    readme = (workspace.exercises_dir / exercise.id / "README.md").relative_to(workspace.root)
    file = workspace.student_file(exercise).relative_to(workspace.root)
    say(Text(f"Read {readme}, write {file}", f"阅读 {readme}，编写 {file}"))
    if hints is not None:
        say(Text(f"Course lesson: {hints.lesson.text.en}", f"课程：{hints.lesson.text.zh}"))
    say(
        Text(
            f"Then: autograder check {number}, or autograder watch {number} while you edit",
            f"然后：autograder check {number}，或边写边运行 autograder watch {number}",
        )
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description="PyTorch exercises: your learning loop")
    register(parser.add_subparsers(dest="command", required=True))
    return parser


def run() -> None:
    """The release's console entry point."""
    args = build_parser().parse_args()
    try:
        code = args.handler(args)
    except KitError as exc:
        print(f"autograder: {exc}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        code = 130
    sys.stdout.flush()
    os._exit(code)
