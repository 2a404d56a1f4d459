"""Running student code under every isolation layer this machine offers, split by concern:

  plan.py      which layers are in force (`SandboxPlan`), decided once from the machine's capabilities
  paths.py     what a worker must read and must never see
  views.py     the template's own mount namespace (staging, masking), set up before it starts
  bwrap.py     the bubblewrap command line at `strict`
  cgroups.py   memory and pids groups
  scratch.py   the size-capped scratch folder and its workspaces
  launcher.py  `Sandbox`: start the warm template, hand out workspaces and jobs, spawn/kill/reap workers

Levels (`--isolation`): `strict` (bubblewrap + seccomp + Landlock where offered), `reduced` (Landlock +
seccomp), `minimal` (rlimits); `auto` takes the best level the machine offers, and a named level
refuses to grade with less. A root grader adds, at every level, an unprivileged uid, fresh namespaces
for each worker and a size-capped scratch. The checks never see any of it.
"""

from autograder.sandbox.launcher import Isolation, Sandbox, machine
from autograder.sandbox.plan import Budget, SandboxError, SandboxPlan, plan_for, resolve_level
from autograder.sandbox.scratch import Workspace

__all__ = [
    "Budget",
    "Isolation",
    "Sandbox",
    "SandboxError",
    "SandboxPlan",
    "Workspace",
    "machine",
    "plan_for",
    "resolve_level",
]
