"""Warm kernels: fork each notebook's kernel from a template process that has done the imports.

A fresh Python kernel spends seconds starting IPython, importing pandas, matplotlib,
scipy and this package, and loading the snapshot before a notebook's first line of
analysis runs. The template is a plain Python process that does those imports and the
data warm-up (:data:`WARM_UPS`) once and then, on request, forks a child that becomes an
ordinary ipykernel on the connection file it is given. Every child starts from the same
state (no notebook code runs in the template), so a forked kernel produces the same
outputs as a freshly spawned one.

- :class:`KernelTemplate` starts the template process and asks it for kernels.
- :class:`TemplateKernelManager` is the jupyter_client kernel manager papermill uses
  (``kernel_manager_class``); given the template's socket through traitlets config
  (``TemplateKernelManager.template_socket``) it forks kernels, and otherwise, or when
  the template does not answer, it spawns them the usual way.
- ``python -m deepseek_monday.build.kernel_template SOCKET NOTEBOOK...`` is the template itself.

POSIX only (``os.fork``); elsewhere every kernel is spawned.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Unicode

# How long a template may take to import its modules before kernels are spawned instead.
READY_TIMEOUT_SECONDS = 60.0
# How long a fork request may take before the kernel is spawned instead.
REQUEST_TIMEOUT_SECONDS = 10.0
# The inline backend ipykernel selects; it must be chosen before matplotlib is imported.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
# What an ipykernel kernelspec runs: python -m ipykernel_launcher -f {connection_file}.
LAUNCHER_MODULE = "ipykernel_launcher"
# Called by the template after the imports ("module:function"): data every chapter reads,
# loaded once (the loaders check their files on every call, so a kernel never uses stale data).
WARM_UPS = ("deepseek_monday.data.returns:warm_up", "deepseek_monday.claims.ledger:warm_up")
# Imported by every template: what the kernel itself needs before any notebook code runs.
# (Not matplotlib_inline.backend_inline: it hooks into the IPython shell when first imported,
# so it must be imported in the kernel.)
KERNEL_MODULES = ("ipykernel.kernelapp", "IPython")


class TemplateUnavailable(RuntimeError):
    """The template cannot fork a kernel (not started, gone, or refused the request)."""


def notebook_imports(notebooks: Iterable[Path]) -> list[str]:
    """Return the modules imported by the code cells of ``notebooks``, sorted.

    ``from a.b import c`` yields ``a.b`` and ``a.b.c`` (c may be a submodule); names that
    are not modules are skipped by the template. Cells that are not valid Python (magics)
    are skipped.
    """
    modules: set[str] = set()
    for path in notebooks:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    modules.add(node.module)
                    modules.update(f"{node.module}.{alias.name}" for alias in node.names if alias.name != "*")
    return sorted(modules)


# ---------------------------------------------------------------- client side


class KernelTemplate:
    """A running template process, its socket and its log; a context manager that stops it."""

    def __init__(self, notebooks: Iterable[Path], log_path: Path) -> None:
        """Start a template that imports what ``notebooks`` import (it reads them itself)."""
        self.directory = Path(tempfile.mkdtemp(prefix="dsm-kernels-"))  # short: socket paths are limited
        self.socket_path = self.directory / "template.sock"
        self.log_path = log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("w", encoding="utf-8") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", __name__, str(self.socket_path), *map(str, notebooks)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )

    def wait_ready(self, timeout: float = READY_TIMEOUT_SECONDS) -> bool:
        """Wait until the template listens; False if it exited or did not start in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            if self.socket_path.exists():
                return True
            time.sleep(0.02)
        return False

    def close(self) -> None:
        """Stop the template (kernels already forked live on until their managers stop them)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        with contextlib.suppress(OSError):
            self.socket_path.unlink()
        with contextlib.suppress(OSError):
            self.directory.rmdir()

    def __enter__(self) -> KernelTemplate:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def request_kernel(socket_path: str, argv: Sequence[str], env: dict[str, str], cwd: str) -> int:
    """Ask the template at ``socket_path`` to fork a kernel running ``argv``; return its pid."""
    request = {"argv": list(argv), "env": env, "cwd": cwd}
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(REQUEST_TIMEOUT_SECONDS)
            connection.connect(socket_path)
            connection.sendall(json.dumps(request).encode() + b"\n")
            reply = json.loads(_read_line(connection) or "{}")
    except (OSError, ValueError) as error:
        raise TemplateUnavailable(f"kernel template at {socket_path}: {error}") from error
    if "pid" not in reply:
        raise TemplateUnavailable(f"kernel template refused: {reply.get('error', 'no reply')}")
    return int(reply["pid"])


def _read_line(connection: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\n"):
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    return data.decode()


class ForkedProcess:
    """The part of :class:`subprocess.Popen` jupyter_client's provisioner uses, for a forked kernel.

    The kernel is the template's child, not ours, so its exit status is unknown: a kernel
    that is gone reports 0.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
            except PermissionError:  # the pid was reused by another user's process
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            time.sleep(0.05)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class TemplateProvisioner(LocalProvisioner):
    """Launches the kernel by forking it from the template; spawns it if the template fails."""

    socket_path: str = ""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        if not self.socket_path or LAUNCHER_MODULE not in cmd:
            return await super().launch_kernel(cmd, **kwargs)
        cwd = str(kwargs.get("cwd") or Path.cwd())
        env = {str(k): str(v) for k, v in (kwargs.get("env") or os.environ).items()}
        try:
            pid = request_kernel(self.socket_path, cmd, env, cwd)
        except TemplateUnavailable as error:
            self.log.warning("%s; spawning the kernel instead", error)
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedProcess(pid)
        self.pid = self.pgid = pid  # the child leads its own session and process group
        self.cwd = cwd
        return self.connection_info


class TemplateKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels are forked from the template at ``template_socket``."""

    template_socket = Unicode("", config=True, help="Socket of a running kernel template ('' spawns).")

    async def _async_pre_start_kernel(self, **kw: Any) -> Any:
        if self.provisioner is None and self.template_socket:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            provisioner = TemplateProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
            provisioner.socket_path = self.template_socket
            self.provisioner = provisioner
        return await super()._async_pre_start_kernel(**kw)


# ---------------------------------------------------------------- the template process


class _KernelShellStandIn:
    """What a module sees as ``get_ipython()`` while the template imports it: a Jupyter kernel's shell.

    Some libraries look at their surroundings once, on import; pandas, for one, shows at
    most 20 columns in a kernel but sizes tables to the terminal otherwise. Imports in the
    template must take the kernel's branch, as they would in a spawned kernel.
    """

    kernel = None


@contextlib.contextmanager
def _as_in_a_kernel() -> Iterator[None]:
    """Let modules imported inside see a Jupyter kernel's shell as ``get_ipython()``."""
    import builtins

    stand_in = _KernelShellStandIn()
    builtins.get_ipython = lambda: stand_in  # type: ignore[attr-defined]
    try:
        yield
    finally:
        del builtins.get_ipython  # type: ignore[attr-defined]


def _preload(modules: Sequence[str]) -> list[str]:
    """Import ``modules``; return those that failed, with why.

    A dotted name that is an attribute of its imported parent (``myst_nb.glue``) is fine.
    """
    import importlib

    failed = []
    for name in [*KERNEL_MODULES, *modules]:
        try:
            importlib.import_module(name)
        except ImportError as error:
            parent, _, attribute = name.rpartition(".")
            if not (parent in sys.modules and hasattr(sys.modules[parent], attribute)):
                failed.append(f"{name} ({error})")
    return failed


def _warm_up() -> None:
    """Run :data:`WARM_UPS`; a failure is logged and left for the kernels to meet and report."""
    import importlib

    for target in WARM_UPS:
        started = time.perf_counter()
        module, _, function = target.partition(":")
        try:
            getattr(importlib.import_module(module), function)()
        except Exception as error:  # the kernels will meet it again and report it
            print(f"kernel template: {target} failed ({type(error).__name__}: {error})", flush=True)
        else:
            print(f"kernel template: {target} in {time.perf_counter() - started:.1f} s", flush=True)


def _exit_without(pid: int) -> None:
    """End this process once ``pid`` is gone: a kernel does not outlive the manager that asked for it."""
    while True:
        time.sleep(1.0)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # the pid now belongs to another user: the manager is gone
            os._exit(1)


def _become_kernel(request: dict[str, Any]) -> None:
    """In a forked child: take the kernel's session, environment and directory, run ipykernel, exit."""
    code = 1
    try:
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        manager = int(os.environ.get("JPY_PARENT_PID") or 0)
        if manager > 1:  # a spawned kernel reads this on import; the template imported ipykernel without it
            threading.Thread(target=_exit_without, args=(manager,), daemon=True).start()
        argv = request["argv"]
        arguments = argv[argv.index(LAUNCHER_MODULE) + 1:]
        from importlib.util import find_spec

        from ipykernel.kernelapp import IPKernelApp

        # As `python -m ipykernel_launcher` would have it (sys.path: see serve).
        sys.argv = [find_spec(LAUNCHER_MODULE).origin, *arguments]  # type: ignore[union-attr]

        IPKernelApp.launch_instance(argv=arguments)
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:  # report anything, then leave the child
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve(socket_path: str, modules: Sequence[str]) -> None:
    """Import ``modules``, then fork a kernel for each request on ``socket_path``.

    Runs until it is terminated or the process that started it is gone.
    """
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)  # what ipykernel sets, before matplotlib loads
    if sys.path[0] in ("", os.getcwd()):
        del sys.path[0]  # as ipykernel_launcher does before it imports anything
    runner = os.getppid()
    started = time.perf_counter()
    with _as_in_a_kernel():  # imports take the branch they take in a kernel
        failed = _preload(modules)
        print(f"kernel template: imported {len(modules)} modules in {time.perf_counter() - started:.1f} s"
              + (f"; failed: {', '.join(failed)}" if failed else ""), flush=True)
        _warm_up()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # forked kernels are reaped by the system
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    partial = f"{socket_path}.{os.getpid()}"
    listener.bind(partial)
    listener.listen(16)
    os.rename(partial, socket_path)  # the socket appears only once it accepts connections
    listener.settimeout(1.0)
    try:
        while True:
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                if os.getppid() != runner:
                    return  # the build that started the template is gone
                continue
            connection.settimeout(None)
            with connection:
                try:
                    request = json.loads(_read_line(connection))
                    pid = os.fork()
                except (OSError, ValueError) as error:
                    connection.sendall(json.dumps({"error": str(error)}).encode() + b"\n")
                    continue
                if pid == 0:
                    listener.close()
                    connection.close()
                    _become_kernel(request)
                connection.sendall(json.dumps({"pid": pid}).encode() + b"\n")
    finally:
        listener.close()


if __name__ == "__main__":
    serve(sys.argv[1], notebook_imports(Path(path) for path in sys.argv[2:]))
