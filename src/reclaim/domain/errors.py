"""Errors raised by domain rules. Each message is plain English and says what was wrong."""


class DomainError(ValueError):
    """A rule of the domain was broken by the request (not a fault in the system)."""


class PostingRefused(DomainError):
    """A ledger posting would break a ledger rule (wrong sign, double reversal, …)."""


class ConcurrentChange(DomainError):
    """Someone else changed the same account after it was read; nothing was written."""


class Problem:
    """One thing wrong with the input, and where: file, line and field when known."""

    __slots__ = ("field", "file", "line", "message")

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
        file: str | None = None,
    ) -> None:
        self.message = message
        self.line = line
        self.field = field
        self.file = file

    def __str__(self) -> str:
        where = [
            part
            for part in (
                self.file,
                None if self.line is None else f"line {self.line}",
                self.field,
            )
            if part
        ]
        return f"{', '.join(where)}: {self.message}" if where else self.message

    def __repr__(self) -> str:
        return f"Problem({self!s})"


class InputRefused(DomainError):
    """The input had problems; nothing of it was applied. ``problems`` lists every one."""

    def __init__(self, problems: list[Problem], summary: str = "") -> None:
        self.problems = problems
        first = summary or f"{len(problems)} problem(s) found; nothing was changed"
        super().__init__(first)
