"""What the template imports once for every worker, and the library settings confined workers need.

- torch, torchvision, NumPy, PIL and every probe module are imported before the first fork, so a
  worker starts in milliseconds;
- PIL forgets its EPS plugin and Ghostscript: an image a worker opens (a runner parsing an event
  file the student's code wrote, say) can never be handed to an external interpreter;
- with seccomp, UNIX sockets are refused, and multiprocessing's way of passing a shared-memory file
  descriptor between processes needs one; tensors sent between a worker's own processes (a
  DataLoader with `num_workers`) then travel by value through the pipe instead.
"""

from __future__ import annotations

from autograder.worker import seccomp_filter
from autograder.worker.protocol import TemplateSettings

PRELOAD = ("torch", "torchvision", "numpy", "PIL.Image", "autograder.worker.serve")


def preload(settings: TemplateSettings) -> None:
    """Import what every worker needs, the probes included; adjust PIL and torch; build the seccomp filter."""
    for name in PRELOAD:
        __import__(name)
    from autograder.worker import probes

    probes.load_all()
    without_ghostscript()
    if settings["seccomp"]:
        seccomp_filter.prepare()
        tensors_by_value()


def without_ghostscript() -> list[str]:
    """Unregister PIL's EPS plugin (the one format PIL renders with Ghostscript) and tell the plugin there is
    no Ghostscript; the formats removed."""
    from PIL import EpsImagePlugin, Image

    Image.init()
    EpsImagePlugin.gs_binary = False
    removed = [name for name in list(Image.OPEN) if Image.OPEN[name][0] is EpsImagePlugin.EpsImageFile]
    for name in removed:
        Image.OPEN.pop(name)
        Image.ID.remove(name)
        Image.SAVE.pop(name, None)
        Image.MIME.pop(name, None)
    for extension in [ext for ext, name in Image.EXTENSION.items() if name in removed]:
        Image.EXTENSION.pop(extension)
    return removed


def tensors_by_value() -> None:
    """Make multiprocessing pickle tensors and storages by value (torch registers reducers that pass a
    shared-memory descriptor over a UNIX socket, which seccomp refuses)."""
    from multiprocessing.reduction import ForkingPickler

    import torch  # noqa: F401  (registers its reducers)

    # _extra_reducers is private (typeshed does not declare it); it is where torch's reducers are registered.
    reducers = ForkingPickler._extra_reducers  # type: ignore[attr-defined]
    for kind in [kind for kind in reducers if kind.__module__.split(".")[0] == "torch"]:
        del reducers[kind]
