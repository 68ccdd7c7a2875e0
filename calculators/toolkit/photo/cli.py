"""``python -m calculators photo CLAIM [--reference FILE ...]``: print the photo check as JSON.

Exit codes: 0 result printed; 2 bad input ({"error": {"field", "message"}} on stdout).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import NoReturn

from . import check_files
from .errors import MAX_FILE_BYTES, PhotoError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # usage errors as JSON too, in Chinese
        raise PhotoError("arguments", "用法：python -m calculators photo 买家照片 [--reference 你的照片 ...]")


def _read(path: str, field: str) -> tuple[str, bytes]:
    name = os.path.basename(path)
    try:
        if os.path.getsize(path) > MAX_FILE_BYTES:
            raise PhotoError(field, f"“{name}”超过 {MAX_FILE_BYTES // 1048576} MB 的上限。请先缩小或压缩图片。")
        with open(path, "rb") as fh:
            return name, fh.read()
    except IsADirectoryError:
        raise PhotoError(field, f"“{path}”是目录，不是图片文件。") from None
    except FileNotFoundError:
        raise PhotoError(field, f"找不到文件“{path}”。") from None
    except OSError as exc:
        raise PhotoError(field, f"无法读取文件“{path}”（{exc.strerror or '读取错误'}）。") from None


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m calculators photo", description="检查买家照片：是否翻用了你的照片、哪里被改过、元数据。")
    parser.add_argument("claim", help="买家提交的照片（PNG 或 JPEG）")
    parser.add_argument("--reference", "-r", action="append", default=[], help="你自己的照片（可重复）")
    parser.add_argument("--indent", type=int, default=2)
    try:
        args = parser.parse_args(argv)
        claim = _read(args.claim, "claim")
        refs = [_read(p, "reference") for p in args.reference]
        result = check_files(claim, refs)
    except PhotoError as exc:
        print(json.dumps(exc.to_dict(), ensure_ascii=False))
        return 2
    print(json.dumps(result, ensure_ascii=False, indent=args.indent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
