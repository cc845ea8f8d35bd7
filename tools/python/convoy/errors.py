"""The one exception of the package: a file that is missing, foreign or damaged, or a failed tool."""


class ConvoyError(ValueError):
    """A problem the user can act on; `subject` names the file (or tool), `problem` what is wrong."""

    def __init__(self, subject, problem):
        super().__init__(f"{subject}: {problem}")
        self.subject = subject
        self.problem = problem
