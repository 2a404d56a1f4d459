"""nbgrader as an adapter: the kit's exercises as nbgrader assignments, and nbgrader submissions graded
on the kit's one grading path.

- `layout`: a solution module cut into given and answer cells, and cells joined back into a module;
- `build`: the course directory (`nbgrader_config.py`, one source notebook per exercise);
- `app`: the real nbgrader, run in process (`generate_assignment`);
- `reader`: a submitted notebook's answer cells, read as JSON, never run;
- `submissions`: the notebooks under a path as the `Submission` that `autograder.grading` grades;
- `kernel`: the hidden checks inside nbgrader's own kernel (nbgrader's trust model, for `nbgrader autograde`).

Nothing is imported here, so a check cell importing `kernel` loads only what it needs.
"""
