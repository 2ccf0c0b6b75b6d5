"""Fuzzing the inventory loader: whatever the files hold, the answer is an Inventory or one
InventoryError line; never another exception, never unbounded memory (issue 13)."""

from __future__ import annotations

import resource
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hisguard.scanners.errors import HisguardError
from hisguard.scanners.inventory import KNOWN_VARIABLES, load_inventory

# Every example must fit in this much address space beyond what the test process already uses.
HEADROOM = 1536 * 1024 * 1024
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["198.18.0.0/24", "0.0.0.0/0", "::/0", "198.18.0.5/24", "2025-02-30", "{{ x }}", "[/]"]),
    st.dates().map(str),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
keys = st.one_of(st.sampled_from(sorted(KNOWN_VARIABLES)), st.text(min_size=1, max_size=20))
host_names = st.one_of(
    st.sampled_from(["app1", "his-app-01", "localhost", "a b", "h\x1b]0;x\x07", "[/]"]),
    st.text(min_size=1, max_size=15),
)


@st.composite
def inventories(draw: Any) -> str:
    """An inventory close to a real one (so the checks behind the parser are reached), varied."""
    code = draw(st.sampled_from(["75901", "75902", "7590", "x"]))
    group_vars = draw(st.dictionaries(keys, values, max_size=6))
    group_vars.setdefault("facility_name", draw(scalars))
    group_vars.setdefault("facility_networks", draw(st.sampled_from([["198.18.0.0/24"], "198.18.1.0/24", 5])))
    hosts = draw(
        st.dictionaries(
            host_names,
            st.one_of(st.none(), st.dictionaries(st.sampled_from(["ansible_host", "ansible_port"]), scalars)),
            max_size=3,
        )
    )
    doc = {"all": {"children": {f"facility_{code}": {"vars": group_vars, "hosts": hosts}}}}
    text = yaml.safe_dump(doc, allow_unicode=True)
    mangle = draw(st.sampled_from(["none", "truncate", "alias", "insert"]))
    if mangle == "truncate":
        text = text[: draw(st.integers(0, len(text)))]
    elif mangle == "alias":
        levels = draw(st.integers(1, 9))
        bomb = '  a0: &a0 ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
            f"  a{n}: &a{n} [{','.join([f'*a{n - 1}'] * 9)}]\n" for n in range(1, levels)
        )
        text = text.replace("all:\n", "all:\n  vars:\n" + bomb.replace("  a", "    a"), 1)
    elif mangle == "insert":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.text(max_size=20)) + text[at:]
    return text


@pytest.fixture(scope="module")
def bounded_memory() -> Iterator[None]:
    """Cap this process's address space for the fuzzing (the soft limit is restored after)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as statm:
        used = int(statm.read().split()[0]) * resource.getpagesize()
    cap = used + HEADROOM
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _load(content: str | bytes, name: str = "hosts.yml") -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", errors="surrogatepass")
        try:
            load_inventory([path])
        except HisguardError as exc:
            message = str(exc)
            assert message and "\n" not in message, message
            assert "Traceback" not in message


@pytest.mark.usefixtures("bounded_memory")
@FUZZ
@given(inventories())
def test_structured_inventories_never_crash_the_loader(text: str) -> None:
    _load(text)


@pytest.mark.usefixtures("bounded_memory")
@FUZZ
@given(st.binary(max_size=400), st.sampled_from(["hosts.yml", "hosts.ini", "hosts.json", "hosts"]))
def test_arbitrary_bytes_never_crash_the_loader(data: bytes, name: str) -> None:
    _load(data, name)
