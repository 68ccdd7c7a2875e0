"""Parse time grows linearly with the input (issue 15): the amount parser and the metadata scanner.

Each property compares the processor time (time.process_time: waiting for a core on a shared
machine is not work) at n and at 8n repeats of a hostile unit: linear work takes about
8 times as long, quadratic work 64 times. The bound is generous (24 times, plus a floor of a few
milliseconds for timer noise), and each time is the best of several runs, so that the test holds
on a loaded 2-core machine while the old quadratic code fails it by far. The label reader's work is
also counted (characters looked at), which is exact."""

from __future__ import annotations

import html
import time
from collections.abc import Callable

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from calculators.facts import FactsError, parse_amount
from calculators.toolkit.photo import metadata

FACTOR = 24
FLOOR_S = 0.005
SETTINGS = settings(max_examples=6, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def best_time(fn: Callable[[], object], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def assert_linear(make: Callable[[int], Callable[[], object]], n: int, floor_s: float = FLOOR_S) -> None:
    small, large = best_time(make(n)), best_time(make(8 * n))
    assert large <= FACTOR * small + floor_s, f"n={n}: {small * 1000:.2f} ms, 8n: {large * 1000:.2f} ms"


def _amount(text: str) -> None:
    try:
        parse_amount(text)
    except FactsError:
        pass


@SETTINGS
@given(unit=st.sampled_from(["元", "人民币", "¥", "RMB", "块钱", "1", ",000", "万", "３"]),
       where=st.sampled_from(["prefix", "suffix", "both"]), n=st.integers(100, 400))
def test_amount_parser_is_linear(unit: str, where: str, n: int):
    def make(k: int) -> Callable[[], object]:
        pad = unit * k
        text = {"prefix": pad + "3500", "suffix": "3500" + pad, "both": pad + "3500" + pad}[where]
        return lambda: _amount(text)
    assert_linear(make, n)


@SETTINGS
@given(unit=st.sampled_from(["AIGC{", "AIGC={\"", "{", "AIGC", "<xmp:CreatorTool>", "<xmp:CreatorTool a",
                             "xmp:CreatorTool=\"v\" ", "<dc:creator>x</dc:creator>", "&quot;AIGC&quot;:{"]),
       container=st.sampled_from(["xmp", "text", "jpeg-comment"]), n=st.integers(150, 400))
def test_metadata_scanner_is_linear(unit: str, container: str, n: int):
    def work(k: int) -> int:
        budget = metadata.Budget()
        metadata.find_aigc(html.unescape(unit * k), "t", budget)
        return k * len(unit) + budget.scanned

    # the count of characters looked at: deterministic, so the bound can be tight. Linear: at most
    # (1 + MAX_LABEL_TRIES) looks per character, and 8 times the input costs at most about 8 times
    # the work (12: the candidates of a short text read shorter tails)
    for k in (n, 8 * n, 100 * n):
        assert work(k) <= (1 + metadata.MAX_LABEL_TRIES) * len(unit) * k
    assert work(8 * n) <= 12 * work(n)
    assert work(100 * n) <= 100 * len(unit) * n + metadata.MAX_LABEL_TRIES * metadata.MAX_LABEL_CHARS

    def make(k: int) -> Callable[[], object]:
        body = unit * k
        if container == "xmp":
            packet = ("<x:xmpmeta><rdf:RDF><rdf:Description>" + body + "</rdf:Description></rdf:RDF></x:xmpmeta>").encode()
            return lambda: metadata.parse_xmp(packet, "t")
        if container == "text":
            return lambda: metadata.find_aigc(body, "t")
        data = b"\xff\xd8" + b"".join(b"\xff\xfe" + (len(part) + 2).to_bytes(2, "big") + part
                                      for part in _parts(body.encode(), 60_000)) + b"\xff\xd9"
        return lambda: metadata.read_metadata(data)
    # and the time, for the regular-expression passes too (a floor for the noise of a loaded machine;
    # the old quadratic code took 1.4 s at 8n = 1,200 here)
    assert_linear(make, n, floor_s=0.25)


def _parts(data: bytes, size: int) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)] or [b""]
