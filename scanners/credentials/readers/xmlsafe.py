"""Stream XML through expat with document type declarations refused.

Office parts are XML chosen by whoever wrote the file: a DTD can declare entities that expand a
few bytes into gigabytes ("billion laughs") or point outside the file. No OOXML or ODF part needs
one, so a part that declares a DTD or an entity is refused outright (an error part), and external
entities are never fetched. Elements reach the handler with their namespace prefix removed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any
from xml.parsers import expat

from hisguard.scanners.credentials.readers.limits import MIB, Bound, Budget, check_ratio

BLOCK = 256 * 1024


class Refused(Exception):
    """The XML is not something a reader parses (a DTD, an entity, broken markup)."""


class Handler:
    """Override what you need; names are local names (``w:t`` -> ``t``)."""

    def start(self, name: str, attrs: dict[str, str]) -> None:
        pass

    def end(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def _refuse(*_: Any) -> None:
    raise Refused("XML with a document type or entity declaration refused")


def _refuse_external(*_: Any) -> int:
    raise Refused("XML with an external entity refused")


def parse(stream: IO[bytes], handler: Handler, budget: Budget, compressed: int | None) -> None:
    """Feed ``stream`` to ``handler`` block by block, charging ``budget`` for every byte."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse_external
    start: Callable[[str, dict[str, str]], None] = handler.start
    end: Callable[[str], None] = handler.end
    parser.StartElementHandler = lambda name, attrs: start(
        _local(name), {_local(k): v for k, v in attrs.items()}
    )
    parser.EndElementHandler = lambda name: end(_local(name))
    parser.CharacterDataHandler = handler.text
    parser.buffer_text = True
    limits = budget.limits
    got = 0
    try:
        while True:
            data = stream.read(BLOCK)
            if not data:
                parser.Parse(b"", True)
                return
            got += len(data)
            budget.charge(len(data))
            if got > limits.max_member_bytes:
                raise Bound(f"XML part larger than {limits.max_member_bytes // MIB} MiB: not read")
            check_ratio(got, compressed, limits)
            parser.Parse(data, False)
    except expat.ExpatError as exc:
        raise Refused(f"damaged XML ({expat.ErrorString(exc.code)})") from None
