"""The data-rights registry: each app says what it holds about a person, the way Wagtail
apps register hooks. An app puts a `data_rights.py` module beside its models that calls
`register(...)`; `discover()` (run when this app is ready) imports every installed app's
module, so this app never imports the apps it serves.

A contribution has up to five parts, each optional:
- `export(user) -> Export`: sections of the person's export, keys under "consent and
  sharing", and the audit subjects (audit label -> ids of the person's objects), so their
  events join the export;
- `erase(person) -> dict[str, int]`: remove or reduce the person's data, inside the
  erasure's transaction; returns counts for the erasure's audit event. Contributions run
  latest app first, so an app clears what points at a lower app's rows before that app
  reduces them;
- `preview(person) -> list[str]`: what `erase` would do, said plainly for the registrar
  who confirms the erasure (read-only; for certificates, what the public check will say);
- `purge(cutoff) -> dict[str, int]`: retention, inside the purge's transaction;
- `keeps_account`: reverse relations on the user that mean an account is in use (retention
  never deletes it)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Export:
    sections: dict = field(default_factory=dict)
    consent: dict = field(default_factory=dict)
    subjects: dict[str, list] = field(default_factory=dict)


@dataclass(frozen=True)
class Contribution:
    name: str
    export: Callable | None = None
    erase: Callable | None = None
    purge: Callable | None = None
    keeps_account: tuple[str, ...] = ()
    preview: Callable | None = None


_contributions: dict[str, Contribution] = {}


def register(
    name: str,
    *,
    export: Callable | None = None,
    erase: Callable | None = None,
    purge: Callable | None = None,
    keeps_account: tuple[str, ...] = (),
    preview: Callable | None = None,
) -> None:
    """Add (or replace, under the same name) one app's contribution."""
    _contributions[name] = Contribution(name, export, erase, purge, tuple(keeps_account), preview)


def contributions() -> list[Contribution]:
    """Every contribution, in the order the apps are installed."""
    return list(_contributions.values())


def discover() -> None:
    """Import each installed app's `data_rights` module (which registers)."""
    autodiscover_modules("data_rights")
