"""Code that runs inside the sandbox: the warm template, the worker loop and the probes.

Nothing in this package may import the hidden checks or the reference
solutions: the sandbox hides both, and a worker only ever sees this package,
the Python environment, and its own scratch directory.
"""
