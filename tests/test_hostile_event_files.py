"""Event files and images a student's 03_tensorboard writes are never parsed in the grader's process.

Each hostile logging.py writes something a parser could choke on: an image summary holding an EPS
document (which PIL hands to Ghostscript when it opens it), a PNG claiming 30000 x 30000 pixels, a
record claiming a terabyte, an event file over the size cap. Under `strict` and `reduced`, the grader
finishes with a result and the fair verdict, its memory stays bounded, no process is left behind, and
no parser in the grader's process ever sees the student's bytes (spies on PIL and on TensorBoard's and
the kit's event readers look for a marker planted in every hostile file).
"""

from __future__ import annotations

import resource
import textwrap

import pytest

from autograder import catalog, grading, isolation
from autograder.sandbox import Sandbox
from mutants import copy_solution

pytestmark = pytest.mark.slow

MARKER = b"HOSTILE-7f3a"
LEVELS = ["strict", "reduced"]
SOLUTION = (catalog.SOLUTIONS_DIR / "03_tensorboard" / "logging.py").read_text(encoding="utf-8")
WRITE_EVENTS = """
import struct
import zlib
from tensorboard.compat.proto.summary_pb2 import Summary

MARKER = b"HOSTILE-7f3a"


def images_of(payload, log_dir, tag, batches):
    writer = SummaryWriter(log_dir)
    for step, _batch in enumerate(batches):
        image = Summary.Image(height=8, width=8, colorspace=3, encoded_image_string=payload)
        writer._get_file_writer().add_summary(Summary(value=[Summary.Value(tag=tag, image=image)]), step)
    writer.close()


def png_claiming(width, height):
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = lambda kind, data: (struct.pack(">I", len(data)) + kind + data
                                + struct.pack(">I", zlib.crc32(kind + data)))
    return (b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", header) + chunk(b"tEXt", MARKER)
            + chunk(b"IDAT", b"\\0" * 64))
"""


def hostile_source(**bodies: str) -> str:
    """The reference logging.py with the named functions replaced by hostile ones."""
    source = SOLUTION + WRITE_EVENTS
    for name, body in bodies.items():
        source += f"\n\ndef {name}(log_dir, *args, **kwargs):\n" + textwrap.indent(
            textwrap.dedent(body), "    "
        )
    return source


def available(level: str) -> bool:
    return isolation.detect().offers(level)


@pytest.fixture(scope="module", params=LEVELS)
def level_sandbox(request):
    if not available(request.param):
        pytest.skip(f"this machine does not offer the {request.param} level (see `autograder doctor`)")
    box = Sandbox(level=request.param).start()
    box.wait_ready()
    yield box
    box.close()


def worker_processes(box: Sandbox) -> set[int]:
    """Live processes under the sandbox's template, except idle standby workers."""
    found, parents = set(), {box._process.pid}
    while parents:
        children = set()
        for parent in parents:
            try:
                with open(f"/proc/{parent}/task/{parent}/children") as handle:
                    children |= {int(pid) for pid in handle.read().split()}
            except OSError:
                continue
        for pid in children:
            try:
                with open(f"/proc/{pid}/comm") as handle:
                    name = handle.read().strip()
            except OSError:
                continue
            if not name.startswith("ag-standby"):
                found.add(pid)
        parents = children
    return found


@pytest.fixture
def parsed_in_grader(monkeypatch) -> list[str]:
    """What parsers in the grader's process were given that holds the marker (each a short description)."""
    import PIL.EpsImagePlugin
    import PIL.Image
    import PIL.PngImagePlugin
    from tensorboard.backend.event_processing import event_accumulator

    try:
        from autograder.worker.probes import tensorboard as tensorboard_probes
    except ImportError:  # the kit before its event reader existed
        tensorboard_probes = None
    seen: list[str] = []

    def holds_marker(source) -> bool:
        data = source.getvalue() if hasattr(source, "getvalue") else source
        return isinstance(data, (bytes, bytearray, memoryview)) and MARKER in bytes(data)

    original_open = PIL.Image.open

    def spy_open(source, *args, **kwargs):
        if holds_marker(source):
            seen.append("PIL.Image.open")
        return original_open(source, *args, **kwargs)

    original_eps = PIL.EpsImagePlugin.EpsImageFile._open

    def spy_eps(self, *args, **kwargs):
        seen.append("PIL's EPS decoder")
        return original_eps(self, *args, **kwargs)

    original_png = PIL.PngImagePlugin.PngImageFile.__init__

    def spy_png(self, fp=None, *args, **kwargs):
        if holds_marker(fp):
            seen.append("PIL's PNG decoder")
        return original_png(self, fp, *args, **kwargs)

    original_reload = event_accumulator.EventAccumulator.Reload

    def spy_reload(self):
        seen.append("TensorBoard's EventAccumulator")
        return original_reload(self)

    monkeypatch.setattr(PIL.Image, "open", spy_open)
    monkeypatch.setattr(PIL.EpsImagePlugin.EpsImageFile, "_open", spy_eps)
    monkeypatch.setattr(PIL.PngImagePlugin.PngImageFile, "__init__", spy_png)
    monkeypatch.setattr(event_accumulator.EventAccumulator, "Reload", spy_reload)
    original_records = getattr(tensorboard_probes, "records", None) if tensorboard_probes else None
    if original_records is not None:

        def spy_records(data):
            if holds_marker(data):
                seen.append("the kit's event reader")
            return original_records(data)

        monkeypatch.setattr(tensorboard_probes, "records", spy_records)
    return seen


@pytest.fixture
def grade_hostile(level_sandbox, tmp_path, parsed_in_grader):
    """grade(source) -> {check name: check} for a hostile 03_tensorboard; checks containment after each."""
    before = worker_processes(level_sandbox)

    def run(source: str) -> dict:
        folder = copy_solution("03_tensorboard", tmp_path)
        (folder / "logging.py").write_text(source, encoding="utf-8")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        options = grading.GradeOptions(device="cpu", threads=1, time_scale=3)
        (exercise,) = grading.grade(folder, options, sandbox=level_sandbox).exercises
        grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak) / 1024
        assert grown_mb < 200, f"the grader's peak memory grew by {grown_mb:.0f} MB"
        assert parsed_in_grader == [], f"parsed in the grader's process: {parsed_in_grader}"
        return {check.name: check for check in exercise.checks}

    yield run
    assert worker_processes(level_sandbox) <= before, "a worker outlived its grading"


def test_an_eps_image_in_an_event_file_is_never_opened(grade_hostile):
    eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 8 8\n%" + MARKER + b"\nshowpage\n%%EOF\n"
    checks = grade_hostile(hostile_source(log_images=f"images_of({eps!r}, log_dir, *args)"))
    pixels = checks["image_pixels_are_the_batch_values"]
    assert pixels.status == "failed" and "is not a PNG" in pixels.message
    assert checks["images_are_written_one_batch_per_step"].status == "passed"
    assert checks["line_writes_value_2x_at_step_x"].status == "passed"


def test_a_png_claiming_30000_by_30000_pixels_is_refused_before_decoding(grade_hostile):
    checks = grade_hostile(hostile_source(log_images="images_of(png_claiming(30000, 30000), log_dir, *args)"))
    pixels = checks["image_pixels_are_the_batch_values"]
    assert pixels.status == "failed" and "larger than the grader decodes" in pixels.message


def test_a_record_claiming_a_terabyte_is_a_malformed_file(grade_hostile):
    body = """
    import os, struct
    os.makedirs(log_dir, exist_ok=True)
    with open(os.path.join(log_dir, "events.out.tfevents.1.host.1.0"), "wb") as handle:
        handle.write(struct.pack("<Q", 1 << 40) + b"\\0" * 4 + MARKER * 1000)
    """
    checks = grade_hostile(hostile_source(log_line=body))
    line = checks["line_writes_value_2x_at_step_x"]
    assert line.status == "failed" and "not valid TensorBoard event files" in line.message
    assert checks["line_uses_the_course_defaults"].status == "not_judged"
    assert checks["images_are_written_one_batch_per_step"].status == "passed"


def test_an_event_file_over_the_size_cap_is_not_read(grade_hostile):
    body = """
    import os
    os.makedirs(log_dir, exist_ok=True)
    with open(os.path.join(log_dir, "events.out.tfevents.1.host.1.0"), "wb") as handle:
        for _ in range(40):
            handle.write(MARKER * (1024 * 1024 // len(MARKER) + 1))
    """
    checks = grade_hostile(hostile_source(log_line=body))
    line = checks["line_writes_value_2x_at_step_x"]
    assert line.status == "failed" and "more than 32 MiB" in line.message
    assert checks["graph_of_the_model_is_written"].status == "passed"
