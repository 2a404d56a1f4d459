"""The student's side: the learning loop (status, check, hint, watch, reset, next) and the visible tests'
feedback. Imports nothing heavy (no torch) at module level, so `status` and `hint` answer at once;
this package, with `i18n`, `errors`, `catalog`, `hints` and `stubs`, is what a student release ships.
"""
