"""``batch`` on malformed CSV files (issue 15): every data row gives exactly one output line, in order,
naming its line in the file; an undecodable or malformed row is an error for that row alone; blank
lines keep the numbering right; the exit status says whether a row failed; a summary goes to stderr.

The files are generated here (no fixtures in git)."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
from pathlib import Path

from calculators import cli
from conftest import ROOT

HEADER = b"amount,province,region,act_date,decision_date,circumstances\n"


def good_row(i: int) -> bytes:
    return f"{1000 + (i * 37) % 90000},浙江,,2024-01-01,2024-02-01,".encode()


def run_batch(path: Path, timeout: float = 600) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "calculators", "batch", str(path), "--today", "2026-11-27"], check=False,
                          capture_output=True, cwd=ROOT, timeout=timeout)


class _Bounded(io.StringIO):
    """An output that refuses to grow past 1,000 writes (an endless loop fails fast, not after 8 GB)."""

    def write(self, text: str) -> int:
        if self.tell() > 0 and self.getvalue().count("\n") > 1000:
            raise AssertionError("batch wrote more than 1,000 lines for a one-row file")
        return super().write(text)


def in_process(path: Path) -> tuple[int, list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.cmd_batch([str(path), "--today", "2026-11-27"], out, err)
    return code, [json.loads(x) for x in out.getvalue().splitlines()], err.getvalue()


def test_truncated_utf8_at_end_of_file_is_one_error_line(tmp_path: Path):
    f = tmp_path / "cut.csv"
    f.write_bytes(b"amount,province\n3500,\xe6")
    out, err = _Bounded(), io.StringIO()  # the old reader printed the same error line forever
    code = cli.cmd_batch([str(f), "--today", "2026-11-27"], out, err)
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert len(lines) == 1 and lines[0]["line"] == 2 and lines[0]["row"] == 1
    assert "UTF-8" in lines[0]["error"]["message"] and "第 2 行" in lines[0]["error"]["message"]
    assert code == 1
    assert "1 行数据" in err.getvalue() and "1 行出错" in err.getvalue()
    p = run_batch(f, timeout=60)  # the same through the command line
    assert p.returncode == 1 and len(p.stdout.splitlines()) == 1


def test_invalid_byte_at_row_1500_of_2000_loses_nothing(tmp_path: Path):
    rows = [good_row(i) for i in range(2000)]
    rows[1499] = rows[1499].replace(b"\xe6\xb5\x99", b"\xff\xb5\x99")  # 浙 with a bad first byte
    f = tmp_path / "bad1500.csv"
    f.write_bytes(HEADER + b"\n".join(rows) + b"\n")
    code, lines, err = in_process(f)
    assert len(lines) == 2000
    assert [x["line"] for x in lines] == list(range(2, 2002))
    bad = [x for x in lines if "error" in x]
    assert [x["line"] for x in bad] == [1501] and [x["row"] for x in bad] == [1500]
    assert lines[1500]["amount_yuan"] == f"{1000 + (1500 * 37) % 90000}.00"
    assert code == 1 and "2000 行数据" in err and "1999 行得出结果" in err


def test_invalid_byte_in_the_first_8_kb_rejects_only_its_row(tmp_path: Path):
    rows = [good_row(i) for i in range(50)]
    rows[3] = b"3500,\x80\x80,,2024-01-01,2024-02-01,"
    f = tmp_path / "early.csv"
    f.write_bytes(HEADER + b"\n".join(rows))
    code, lines, _ = in_process(f)
    assert len(lines) == 50 and code == 1
    assert [x["line"] for x in lines if "error" in x] == [5]
    assert all("error" not in x for i, x in enumerate(lines) if i != 3)


def test_undecodable_header_is_a_file_error(tmp_path: Path):
    f = tmp_path / "head.csv"
    f.write_bytes(b"amo\xffunt,province\n3500,\xe6\xb5\x99\xe6\xb1\x9f\n")
    out = io.StringIO()
    code = cli.cmd_batch([str(f)], out, io.StringIO())
    err = json.loads(out.getvalue())["error"]
    assert code == 2 and err["field"] == "file" and "第 1 行" in err["message"]


def test_unmatched_quote_is_one_bad_row_and_blank_lines_keep_numbers(tmp_path: Path):
    f = tmp_path / "quote.csv"
    f.write_bytes(HEADER + b'3500,"\xe6\xb5\x99\xe6\xb1\x9f,,2024-01-01,2024-02-01,\n'
                  b"\n"
                  + good_row(1) + b"\n\r\n   \n" + good_row(2) + b"\n"
                  + b"3500,\xe6\xb5\x99\xe6\xb1\x9f,,2024-01-01,2024-02-01,,extra\n")
    code, lines, err = in_process(f)
    assert [x["line"] for x in lines] == [2, 4, 7, 8]
    assert [x["row"] for x in lines] == [1, 2, 3, 4]
    assert "引号" in lines[0]["error"]["message"] and "error" not in lines[1] and "error" not in lines[2]
    assert "列" in lines[3]["error"]["message"]
    assert code == 1 and "4 行数据" in err


def test_all_rows_good_exits_0(tmp_path: Path):
    f = tmp_path / "ok.csv"
    f.write_bytes(HEADER.replace(b"amount", b"\xef\xbb\xbfamount") + b"\n".join(good_row(i) for i in range(5)) + b"\n")
    code, lines, err = in_process(f)
    assert code == 0 and len(lines) == 5 and "0 行出错" in err


def test_100000_rows_with_5_percent_malformed(tmp_path: Path):
    """Rows in == lines out, every line number right, no row lost (the old reader merged thousands of
    rows after an unmatched quote into one and shifted every number after a blank line)."""
    rng = random.Random(15)
    f = tmp_path / "big.csv"
    expected: list[tuple[int, bool]] = []  # (line number, is an error)
    line_no = 1
    with f.open("wb") as fh:
        fh.write(HEADER)
        for i in range(100_000):
            kind = rng.random()
            if kind < 0.02:
                fh.write(b"\n")  # a blank line: no row, but a line
                line_no += 1
            line_no += 1
            if kind < 0.05:
                choice = rng.randrange(3)
                row = (b'"3500,\xe6\xb5\x99\xe6\xb1\x9f,,2024-01-01,2024-02-01,' if choice == 0
                       else b"3500,\xe6\xb5\x99,\xff,2024-01-01,2024-02-01," if choice == 1
                       else b'3500,"\xe6\xb5\x99"x,,2024-01-01,2024-02-01,')
                expected.append((line_no, True))
            else:
                row = good_row(i)
                expected.append((line_no, False))
            fh.write(row + b"\n")
    code, lines, err = in_process(f)
    assert len(lines) == 100_000
    assert [x["line"] for x in lines] == [n for n, _ in expected]
    assert [("error" in x) for x in lines] == [bad for _, bad in expected]
    n_bad = sum(bad for _, bad in expected)
    assert code == 1 and f"{n_bad} 行出错" in err and "100000 行数据" in err
