"""RDF Dataset Canonicalisation (RDFC-1.0, the algorithm pyld calls URDNA2015) with checks
that nothing in the JSON was lost on the way to RDF.

JSON-LD quietly ignores what it cannot map to an IRI: a misspelt term under a context without
a catch-all vocabulary, a ``null`` value, an ``id`` that is not an absolute IRI. A signature
over the canonical form would then cover less than the JSON shows, so ``canonicalize`` with
``strict=True`` (the default, and what issuance uses) raises instead:

- every property pyld drops during expansion is reported by its ``on_property_dropped`` hook;
- the compacted input is walked for ``null`` values (dropped without a report);
- the expanded form is walked for properties, types and node ids that are not absolute IRIs
  (the RDF step skips those without a report), and for terms that only VC 2.0's catch-all
  ``issuer-dependent`` vocabulary defines (kept, but their meaning is not pinned down);
- finally every value of the expanded form must appear in the RDF dataset actually hashed.
"""

import re

from pyld import jsonld
from pyld.context_resolver import ContextResolver

from .contexts import DEFAULT_LOADER, FrozenDocumentLoader
from .exceptions import (
    CanonicalizationError,
    DroppedPropertyError,
    UndefinedTermError,
    UnknownContextError,
)

ISSUER_DEPENDENT = "https://www.w3.org/ns/credentials/issuer-dependent#"
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S*$")
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _options(loader: FrozenDocumentLoader) -> dict:
    # Resolved contexts are cached on the loader itself: pyld's default cache is process-wide
    # and keyed by URL only, so sharing it with code that uses another loader could mix up
    # documents.
    return {
        "documentLoader": loader,
        "contextResolver": ContextResolver(loader.resolved_cache, loader),
        # No document base: a relative IRI stays relative (and is reported below) instead of
        # being resolved against pyld's placeholder base, http://example.org/base/.
        "base": None,
    }


def _unwrap(error: BaseException) -> BaseException | None:
    """The UnknownContextError inside pyld's chain of wrapped errors, if there is one."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, UnknownContextError):
            return error
        details = getattr(error, "details", None)
        if isinstance(details, dict) and isinstance(details.get("cause"), BaseException):
            inner = _unwrap(details["cause"])
            if inner is not None:
                return inner
        error = error.__cause__ or error.__context__
    return None


def _raise_from_pyld(error: Exception, what: str):
    unknown = _unwrap(error)
    if unknown is not None:
        raise UnknownContextError(str(unknown)) from error
    raise CanonicalizationError(f"Could not {what}: {error}") from error


def expand(
    *,
    document: dict,
    loader: FrozenDocumentLoader | None = None,
    strict: bool = True,
    allow_undefined_terms: bool = False,
):
    """Expanded JSON-LD of ``document``; with ``strict``, raise if anything would be lost
    (and, unless ``allow_undefined_terms``, if a term is only caught by the catch-all
    vocabulary: such terms are signed, but issuance should not produce them)."""
    loader = loader or DEFAULT_LOADER
    dropped: list[str] = []
    if strict:
        dropped.extend(_null_values(document, "$"))
    try:
        expanded = jsonld.expand(
            document, _options(loader), on_property_dropped=lambda key: dropped.append(key)
        )
    except Exception as error:  # any pyld failure, on untrusted input too
        _raise_from_pyld(error, "expand the document")
    if strict:
        undefined: list[str] = []
        _check_expanded(expanded, dropped, undefined)
        if dropped:
            raise DroppedPropertyError(
                "Canonicalisation would drop part of the credential: "
                + ", ".join(sorted(set(dropped)))
                + ". Every property must be defined by a shipped context and have a value.",
                dropped=sorted(set(dropped)),
            )
        if undefined and not allow_undefined_terms:
            raise UndefinedTermError(
                "These terms are not defined by any context, only caught by the VC 2.0 "
                "issuer-dependent vocabulary: " + ", ".join(sorted(set(undefined))) + ".",
                dropped=sorted(set(undefined)),
            )
    return expanded


def canonicalize(
    *,
    document: dict,
    loader: FrozenDocumentLoader | None = None,
    strict: bool = True,
    allow_undefined_terms: bool = False,
) -> str:
    """Canonical N-Quads (RDFC-1.0) of a JSON-LD document, one quad a line, sorted."""
    loader = loader or DEFAULT_LOADER
    expanded = expand(
        document=document,
        loader=loader,
        strict=strict,
        allow_undefined_terms=allow_undefined_terms,
    )
    options = {**_options(loader), "algorithm": "URDNA2015"}
    try:
        if strict:
            dataset = jsonld.to_rdf(expanded, options)
            _check_dataset(expanded, dataset)
        nquads = jsonld.normalize(expanded, {**options, "format": "application/n-quads"})
    except Exception as error:  # any pyld failure, on untrusted input too
        _raise_from_pyld(error, "canonicalise the document")
    return nquads


def _null_values(value, path):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "@context":
                continue
            if item is None:
                yield f"{path}.{key} (null)"
            else:
                yield from _null_values(item, f"{path}.{key}")
    elif isinstance(value, list):
        for position, item in enumerate(value):
            if item is None:
                yield f"{path}[{position}] (null)"
            else:
                yield from _null_values(item, f"{path}[{position}]")


def _is_node_id(value) -> bool:
    return isinstance(value, str) and (value.startswith("_:") or bool(_ABSOLUTE_IRI.match(value)))


def _check_expanded(value, dropped, undefined):
    if isinstance(value, list):
        for item in value:
            _check_expanded(item, dropped, undefined)
        return
    if not isinstance(value, dict):
        return
    if "@value" in value:
        datatype = value.get("@type")
        if datatype is not None and datatype != "@json" and not _is_node_id(datatype):
            dropped.append(f"datatype {datatype!r}")
        return
    if "@id" in value and not _is_node_id(value["@id"]):
        dropped.append(f"relative IRI {value['@id']!r}")
    for type_iri in value.get("@type", []):
        if not _is_node_id(type_iri):
            dropped.append(f"type {type_iri!r}")
        elif type_iri.startswith(ISSUER_DEPENDENT):
            undefined.append(type_iri.removeprefix(ISSUER_DEPENDENT))
    for key, item in value.items():
        if key in ("@list", "@set", "@graph", "@included"):
            _check_expanded(item, dropped, undefined)
        elif key == "@reverse":
            for reverse_value in item.values():
                _check_expanded(reverse_value, dropped, undefined)
        elif not key.startswith("@"):
            if not _ABSOLUTE_IRI.match(key):
                dropped.append(key)
            elif key.startswith(ISSUER_DEPENDENT):
                undefined.append(key.removeprefix(ISSUER_DEPENDENT))
            _check_expanded(item, dropped, undefined)


def _expanded_terms(value, iris: set, literals: set):
    """Every IRI and literal lexical value in an expanded document."""
    if isinstance(value, list):
        for item in value:
            _expanded_terms(item, iris, literals)
        return
    if not isinstance(value, dict):
        return
    if "@value" in value:
        literal = value["@value"]
        if isinstance(literal, str):
            literals.add(literal)
        return
    if "@id" in value and not value["@id"].startswith("_:"):
        iris.add(value["@id"])
    iris.update(value.get("@type", []))
    for key, item in value.items():
        if not key.startswith("@"):
            iris.add(key)
            _expanded_terms(item, iris, literals)
        elif key in ("@list", "@set", "@graph", "@included"):
            _expanded_terms(item, iris, literals)


def _check_dataset(expanded, dataset):
    iris: set[str] = set()
    literals: set[str] = set()
    _expanded_terms(expanded, iris, literals)
    present_iris: set[str] = set()
    present_literals: set[str] = set()
    for quads in dataset.values():
        for quad in quads:
            for position in ("subject", "predicate", "object"):
                term = quad[position]
                if term["type"] == "IRI":
                    present_iris.add(term["value"])
                elif term["type"] == "literal":
                    present_literals.add(term["value"])
    missing = sorted((iris - present_iris - {_RDF_TYPE}) | (literals - present_literals))
    if missing:
        raise DroppedPropertyError(
            "These values are in the credential but not in the canonical form: "
            + ", ".join(repr(item) for item in missing[:10]),
            dropped=missing,
        )
