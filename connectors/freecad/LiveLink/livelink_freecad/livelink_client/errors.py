class LiveLinkError(Exception):
    """The hub is unreachable or refused a request. str() is a message fit for the user."""

    def __init__(self, message, status=0, missing=()):
        super().__init__(message)
        self.status = status
        self.missing = list(missing)
