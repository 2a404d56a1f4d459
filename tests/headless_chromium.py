"""A real headless Chromium, driven over the DevTools protocol on a pipe (no extra package).

`Chromium` starts Debian's `chromium` with the flags that work on the CI machine and a fresh profile,
and speaks the DevTools protocol over `--remote-debugging-pipe` (JSON messages ended by a NUL byte on
file descriptors 3 and 4). `open(url)` loads a page in a new tab and records what the page did:
console errors, uncaught exceptions, log entries and every network request. Used by the HTML report
tests and by anyone who wants screenshots of the pages.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--remote-debugging-pipe",
)


def executable() -> str | None:
    """Chromium's command, or None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class PageLog:
    """What a page did while it loaded and while it was driven."""

    console_errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # every URL the page asked for, its own included


class Chromium:
    """One headless browser for a test session."""

    def __init__(self, timeout: float = 60.0) -> None:
        command = executable()
        if command is None:
            raise RuntimeError("chromium is not installed")
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="autograder-chromium-")
        to_browser, self._commands = os.pipe()
        self._replies, from_browser = os.pipe()

        def wire_pipes() -> None:  # in the child: its fds 3 and 4 are the protocol's pipe
            high_in, high_out = (
                fcntl.fcntl(to_browser, fcntl.F_DUPFD, 20),
                fcntl.fcntl(from_browser, fcntl.F_DUPFD, 20),
            )
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)

        self.process = subprocess.Popen(
            [command, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=wire_pipes,
            pass_fds=(3, 4, to_browser, from_browser),
        )
        os.close(to_browser)
        os.close(from_browser)
        self._inbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self._next_id = 0
        self.logs: dict[str, PageLog] = {}
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        buffer = b""
        while chunk := os.read(self._replies, 1 << 16):
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for message in messages:
                self._inbox.put(json.loads(message))

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its answer; events that arrive meanwhile are recorded."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._take(deadline, method)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def _take(self, deadline: float, waiting_for: str) -> dict[str, Any]:
        try:
            message = self._inbox.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            raise TimeoutError(f"chromium did not answer {waiting_for} in {self.timeout:g} s") from None
        self._record(message)
        return message

    def _record(self, message: dict[str, Any]) -> None:
        log = self.logs.get(message.get("sessionId", ""))
        method, params = message.get("method"), message.get("params", {})
        if log is None or method is None:
            return
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            log.console_errors.append(
                " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            )
        elif method == "Runtime.exceptionThrown":
            log.exceptions.append(json.dumps(params.get("exceptionDetails", {}))[:500])
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            log.console_errors.append(params["entry"].get("text", ""))
        elif method == "Network.requestWillBeSent":
            log.requests.append(params.get("request", {}).get("url", ""))

    def wait_for(self, event: str, session: str) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            message = self._take(deadline, event)
            if message.get("method") == event and message.get("sessionId") == session:
                return

    def open(self, url: str, width: int = 390, height: int = 844, mobile: bool = True) -> Tab:
        """A new tab of `width` CSS pixels (a phone by default) showing `url`, loaded."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.logs[session] = PageLog()
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            session,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )
        self.call("Page.navigate", session, url=url)
        self.wait_for("Page.loadEventFired", session)
        return Tab(self, session, target)

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._commands)
        shutil.rmtree(self.profile, ignore_errors=True)


@dataclass
class Tab:
    browser: Chromium
    session: str
    target: str

    @property
    def log(self) -> PageLog:
        return self.browser.logs[self.session]

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (JSON-like values)."""
        result = self.browser.call(
            "Runtime.evaluate", self.session, expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression!r} raised: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        """The whole page (not just the window) as a PNG."""
        metrics = self.browser.call("Page.getLayoutMetrics", self.session)["cssContentSize"]
        shot = self.browser.call(
            "Page.captureScreenshot",
            self.session,
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": metrics["width"], "height": metrics["height"], "scale": 1},
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def close(self) -> None:
        self.browser.call("Target.closeTarget", targetId=self.target)
