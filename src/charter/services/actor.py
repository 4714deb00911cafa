"""Who acts: ``--as PERSON``, else ``CHARTER_USER``, else the git e-mail, matched to people."""

from __future__ import annotations

from charter.domain.errors import InputError
from charter.domain.organisation import Person


def resolve_actor(
    people: dict[str, Person],
    explicit: str | None,
    environment: str | None,
    git_email: str | None,
) -> str | None:
    """The acting person's id.

    An explicit ``--as`` or ``CHARTER_USER`` that matches nobody is an input error; a git
    e-mail that matches nobody leaves the actor unknown (None). Matching is by id or e-mail,
    case-insensitive for e-mail.
    """
    for source, value in (("--as", explicit), ("CHARTER_USER", environment)):
        if value:
            person = _match(people, value)
            if person is None:
                raise InputError.at(source, 0, 0, f"'{value}' is not in people.yaml (id or e-mail)")
            return person
    if git_email:
        return _match(people, git_email)
    return None


def _match(people: dict[str, Person], value: str) -> str | None:
    if value in people:
        return value
    lowered = value.lower()
    return next((p.id for p in people.values() if p.email.lower() == lowered), None)
