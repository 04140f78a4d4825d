"""A versioned list of codes: what an event says instead of free text, so that every team reads the same
word and nothing a caseworker types ends up on a topic that keeps it forever.

An event records the code and the version of the list it was chosen from; a later version may add codes
or retire some, and an old event still finds its label in the version it names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    code: str
    nl: str  # the label IND staff read
    en: str


@dataclass(frozen=True)
class CodeListVersion:
    id: str
    description: str
    codes: tuple[Code, ...]

    def label(self, code: str) -> Code:
        for entry in self.codes:
            if entry.code == code:
                return entry
        raise UnknownCode(f"{code!r} is not in version {self.id}")


class UnknownCode(LookupError):
    pass


class CodeList:
    """One catalogue: its name and its versions, oldest first; the last is the one commands choose from."""

    def __init__(self, name: str, versions: Iterable[CodeListVersion]) -> None:
        self.name = name
        self.versions = tuple(versions)
        if not self.versions:
            raise ValueError(f"code list {name} has no version")

    @property
    def current(self) -> CodeListVersion:
        return self.versions[-1]

    @property
    def version_id(self) -> str:
        """The version commands choose from now, which their events record."""
        return self.current.id

    @property
    def description(self) -> str:
        return self.current.description

    def codes(self) -> list[str]:
        """The codes a command may choose now."""
        return [entry.code for entry in self.current.codes]

    def version(self, version_id: str) -> CodeListVersion:
        for version in self.versions:
            if version.id == version_id:
                return version
        raise UnknownCode(f"code list {self.name} has no version {version_id!r}")
