"""The one base class for errors the command line reports in a line and exits 2 on."""


class KitError(Exception):
    """The grader or a generator cannot go on: a bad path, archive, notebook or setup.

    The message must name the offending thing and, where it can, the fix.
    """
