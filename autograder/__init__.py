"""PyTorch exercise kit: generate exercises from reference solutions and grade them in a sandbox.

The pipeline, one module per stage:
  sources     catalog (exercises.toml), solutions/
  generation  stubs (exercises/ from solutions/)
  execution   sandbox (template launch, isolation), execution (workers), worker/ (runs inside)
  judgement   judge (pytest + points), checking (check helpers), hidden/ (the checks)
  reports     reports/ (table, JSON)
"""
