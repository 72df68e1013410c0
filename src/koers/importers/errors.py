"""Errors the importers raise for input they cannot read at all."""


class DocumentError(Exception):
    """The file cannot be read as a document; nothing was imported.

    ``code`` names the problem for translation by the caller; ``message`` is the
    English explanation, ``params`` fills its placeholders.
    """

    def __init__(self, code: str, message: str, **params):
        super().__init__(message % params if params else message)
        self.code = code
        self.message = message
        self.params = params
