"""The exception hierarchy: every error a user can cause is a one-line message that names the
file or parameter and says what to do."""


class CostshareError(Exception):
    """Base class. ``exit_code`` is what the command line returns."""

    exit_code = 1


class InputError(CostshareError):
    """Bad input from the user (seeds, manifest, reference data, parameters): exit code 2."""

    exit_code = 2


class CorpusError(InputError):
    """A seeds folder, article or manifest that cannot be read."""


class ReferenceDataError(InputError):
    """A reference data file with a bad row."""


class ParameterError(InputError):
    """An unknown, ill-typed or inconsistent parameter."""


class RenderError(CostshareError):
    """A render that failed after validation (a notebook cell, nbconvert, Chromium)."""

    exit_code = 1


class RenderBusyError(CostshareError):
    """Another render holds the lock for the same output."""

    exit_code = 3


class RenderDeadline(KeyboardInterrupt):
    """A render that ran past its overall deadline (``--deadline``). Raised by a timer in the
    main thread; a KeyboardInterrupt so that no ``except Exception`` on the way (papermill's,
    nbclient's) swallows it, and every interrupt path (kernels killed, temporary folder removed,
    lock released) runs. Exit code 1, like any failed render."""

    exit_code = 1
