"""Grading a class: `autograder grade-batch SUBMISSIONS --out RESULTS`, one concern per module.

  students       who is in SUBMISSIONS (one folder or .zip each), their keys, content digests, shards
  folder         the results folder: one atomic file per student, gradebook.csv, summary.json, merge
  resume         which students a `--resume` regrades, and why
  slots          grading one student in a slot (sandbox restarts, error rows), shared by both backends
  local          the local backend: slot processes on this machine, a watchdog, restarts
  ray_backend    the same slots as Ray actors
  progress       the progress line
  driver         the whole run: discover, shard, resume, grade, rebuild

This package's `__init__` imports nothing, so a module may import one concern without the others.
"""
