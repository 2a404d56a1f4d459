"""Hidden checks: grader-only pytest tests with points, one file per exercise.

Never visible to workers: the sandbox hides this folder, and nothing in
`autograder.worker` imports it.
"""
