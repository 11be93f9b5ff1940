"""What can go wrong when looking a paper up, in words an organizer can act on."""


class LookupProblem(Exception):
    """The lookup gave nothing; `message` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class LookupUnavailable(LookupProblem):
    """No answer to be had now: turned off, offline, a timeout, a 5xx or 429, a garbled answer."""


class NotFound(LookupProblem):
    """The services answered and know no such paper (e.g. a DOI that does not exist)."""
