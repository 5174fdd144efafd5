"""Exceptions of the circuit IR."""


class CircuitError(ValueError):
    """Bad use of a circuit: a basis violation, a wire that does not exist, a malformed file, …

    The message is one line and says what is wrong; the CLI prints it and exits with status 2.
    """


class InternalError(RuntimeError):
    """An invariant of this library failed: a bug here, not bad input. The CLI shows it with a traceback."""
