"""The frozen JSON-LD document loader: every context comes from a file shipped with Peerpath.

Canonicalisation must never depend on the network (a context served differently tomorrow
would change what a signature covers, and fetching leaks who verifies what). The files and
where each came from are listed in certification/data/jsonld/README.md.
"""

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType

from cachetools import LRUCache

from .exceptions import UnknownContextError

CONTEXTS_DIR = Path(__file__).resolve().parent.parent / "data" / "jsonld"

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OPEN_BADGES_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DID_V1 = "https://www.w3.org/ns/did/v1"

SHIPPED_CONTEXTS: Mapping[str, Path] = MappingProxyType(
    {
        CREDENTIALS_V2: CONTEXTS_DIR / "credentials-v2.jsonld",
        OPEN_BADGES_V3: CONTEXTS_DIR / "ob-v3p0-context-3.0.3.json",
        MULTIKEY_V1: CONTEXTS_DIR / "multikey-v1.jsonld",
        DID_V1: CONTEXTS_DIR / "did-v1.jsonld",
    }
)


@cache
def _read(path: Path):
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


class FrozenDocumentLoader:
    """A pyld document loader over a fixed map of URL to file (or to a parsed document).

    Unknown URLs raise ``UnknownContextError``; there is no fallback to the network. Documents
    are read once and shared: pyld does not modify them.
    """

    def __init__(self, documents: Mapping[str, Path | dict] | None = None):
        self.documents = dict(SHIPPED_CONTEXTS if documents is None else documents)
        # pyld's resolved contexts, for this loader only; bounded, since documents being
        # verified can carry inline contexts of their own.
        self.resolved_cache = LRUCache(maxsize=100)

    def extended(self, extra: Mapping[str, Path | dict]) -> "FrozenDocumentLoader":
        return FrozenDocumentLoader({**self.documents, **extra})

    def load(self, url: str) -> dict:
        try:
            source = self.documents[url]
        except KeyError:
            raise UnknownContextError(
                f"The JSON-LD context {url!r} is not shipped with Peerpath, and contexts are "
                "never fetched from the network. Add its published file to "
                "certification/data/jsonld/ (with its source in the README there) and to "
                "certification.openbadges.contexts.SHIPPED_CONTEXTS."
            ) from None
        return _read(source) if isinstance(source, Path) else source

    def __call__(self, url, options=None):
        return {"contextUrl": None, "documentUrl": url, "document": self.load(url)}


DEFAULT_LOADER = FrozenDocumentLoader()
