"""The gold documents in the shapes users bring them: transform each document and its gold the
same way, extract the variant and score it with `keyproj eval`'s scorer, beside the original.

    python scripts/variants_eval.py                       # dev, train, styles; every variant
    python scripts/variants_eval.py --sets dev --variants pdf chrome --errors   # dev's misses
    python scripts/variants_eval.py --folder tests/fixtures/project_gold/dev   # any gold folder

Variants (each seeded by the document's name: the same text every run):
  pdf         each paragraph wrapped at one width per document (24-40 Han characters, digits
              and Latin letters half as wide) wherever the width falls (inside names, numbers,
              cues, after list marks), a closing mark kept on its line as typesetting does; a
              blank line, the page's number (- 3 -, 第3页 共9页) and the next page's running
              header every 30-40 lines, inside paragraphs too
  traditional every character through OpenCC's simplified -> traditional character table
              (one for one: the lengths stay); the gold's names and texts the same way
  chrome      a news page's chrome around the text and between its paragraphs: the site's
              path, 来源/作者/发布时间, 分享到, 打印本页, 责任编辑, 上一篇/下一篇 and a 相关新闻
              list whose titles name invented projects (none of them is the document's)
  fullwidth   ASCII digits, letters and marks to their full-width forms (１２.５亿元, （一）)
  halfwidth   the other way: the Chinese marks ，；：（）！？ typed as ASCII (,;:()!?)
  crlf_indent Windows line ends; a paragraph's first line (after a sentence's end) indented
              by two ideographic spaces after a blank line, as the corpus's reports have
  ocr         text read back from a scan: a quarter of the marks ，；：。 between Han characters
              (or after % and ）) misread as ASCII ,;:. ; a space between two Han characters
              here and there (3 in 100) and every character of a short heading line spaced
              out (half of them: 总 体 情 况); a number before its unit cut by a space (a
              third of them: 11 8.7亿元, 1 8%); then wrapped and paged as `pdf`

Figures per set and variant: quantities F1, money-role accuracy, projects relaxed and strict
F1, status accuracy, each with its drop against the original, and how many documents had an
error row (a fact whose span did not hold). Train prints figures only (it stands for text no
one tuned on); --errors prints the misses of the other sets (never of train).
The styles set is read for batches 1-4 only (files s*, u*, v*, w*).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.batch.run import plan_tasks, rows_for
from pipeline.extract import Pipeline
from pipeline.outputs.evaluate import (
    EvalReport,
    GoldDoc,
    Project,
    _doc_lines,
    evaluate,
    load_gold,
    predictions_from_rows,
)

GOLD = ROOT.parent / "shared" / "gold"
STYLES = ROOT / "tests" / "fixtures" / "styles"
STYLES_BATCHES = ("s", "u", "v", "w")      # batch 5 (x*) stays unread

Transform = Callable[[str, random.Random], str]


# ---------------------------------------------------------------- pdf


def _width(char: str) -> int:
    """Display width in half-character units: ASCII is half as wide as Han."""
    return 1 if ord(char) < 0x2E80 and char not in "“”‘’—…·" else 2


# a typesetter keeps these at the end of a line rather than open the next with them
_NO_LINE_START = "，。、；：！？）》”’％,.;:!?)%"

PAGE_HEADERS = ("县政府办公室工作简报", "发展和改革工作动态", "重点项目建设专报", "政务信息")


def _wrap(paragraph: str, width: int) -> list[str]:
    lines: list[str] = []
    line: list[str] = []
    used = 0
    for char in paragraph:
        if used + _width(char) > width and line and char not in _NO_LINE_START:
            lines.append("".join(line))
            line, used = [], 0
        line.append(char)
        used += _width(char)
    if line:
        lines.append("".join(line))
    return lines


def pdf(text: str, rng: random.Random) -> str:
    width = 2 * rng.randint(24, 40)
    header = rng.choice(PAGE_HEADERS)
    total_pages = max(1, len(text) // (width * 16)) + 1
    roman_style = rng.random() < 0.5
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap(paragraph.strip(), width) if paragraph.strip() else [])
    out: list[str] = []
    page, next_break = 1, rng.randint(30, 40)
    for i, line in enumerate(lines, 1):
        out.append(line)
        if i == next_break and i < len(lines):
            footer = f"- {page} -" if roman_style else f"第{page}页 共{total_pages}页"
            out += ["", footer, header]
            page += 1
            next_break += rng.randint(30, 40)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- traditional


@lru_cache(maxsize=1)
def _s2t_characters() -> dict[int, str]:
    """One-to-one simplified -> traditional characters (OpenCC's first choice)."""
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "STCharacters.txt"
    table: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and len(parts[0]) == 1:
            trad = parts[1].split(" ")[0]
            if len(trad) == 1 and trad != parts[0]:
                table[ord(parts[0])] = trad
    return table


def traditional(text: str, rng: random.Random) -> str:
    return text.translate(_s2t_characters())


# ---------------------------------------------------------------- chrome

# invented parts of project-like titles (no gold document's names)
_PLACES = ("青禾", "石门", "云溪", "北塘", "柳湾", "东坪", "桃源", "金沙", "雁山", "兰亭")
_WORKS = ("大道改造工程", "污水处理厂提标改造项目", "物流园区一期项目", "综合体育馆", "滨河公园",
          "大桥建设工程", "片区棚户区改造项目", "产业园标准厂房", "中学新建工程", "水库除险加固工程")
_NEWS = ("顺利通过竣工验收", "开工建设", "主体结构封顶", "进展顺利", "正式投入使用", "签约落户")


def _title(rng: random.Random) -> str:
    return f"{rng.choice(_PLACES)}{rng.choice(_WORKS)}{rng.choice(_NEWS)}"


def _date(rng: random.Random) -> str:
    return f"20{rng.randint(19, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def chrome(text: str, rng: random.Random) -> str:
    paragraphs = text.split("\n")
    top = [f"首页 > 新闻中心 > {rng.choice(('政务要闻', '部门动态', '乡镇动态'))}",
           f"来源：{rng.choice(_PLACES)}县人民政府网  作者：王某  发布时间：{_date(rng)} 09:{rng.randint(10, 59)}"
           f"  浏览次数：{rng.randint(100, 9999)}",
           "【字体：大 中 小】  打印本页  关闭窗口"]
    inside = rng.choice(("分享到：微信 微博 QQ空间", "扫一扫在手机打开当前页"))
    bottom = ["", "（责任编辑：李某）", "分享到：", "打印本页 关闭窗口",
              f"上一篇：{_title(rng)}", f"下一篇：{_title(rng)}", "相关新闻"]
    bottom += [f"· {_title(rng)} {_date(rng)}" for _ in range(rng.randint(3, 5))]
    bottom += [f"版权所有：{rng.choice(_PLACES)}县人民政府办公室  网站标识码：{rng.randint(10**9, 10**10 - 1)}"]
    cut = len(paragraphs) // 2
    while cut < len(paragraphs) and paragraphs[cut].strip():
        cut += 1        # between two paragraphs: after a line, before a blank one or the end
    body = paragraphs[:cut] + [inside] + paragraphs[cut:]
    return "\n".join(top + [""] + body + bottom) + "\n"


# ---------------------------------------------------------------- full- and half-width

_TO_FULLWIDTH = {code: chr(code + 0xFEE0) for code in range(0x21, 0x7F)}
_TO_HALFWIDTH = str.maketrans("，；：（）！？", ",;:()!?")


def fullwidth(text: str, rng: random.Random) -> str:
    table = dict(_TO_FULLWIDTH)
    if rng.random() < 0.5:
        del table[ord(".")]         # １２.５亿元: the point often stays ASCII
    return text.translate(table)


def halfwidth(text: str, rng: random.Random) -> str:
    return text.translate(_TO_HALFWIDTH)


_PARAGRAPH_END = ("。", "！", "？", "：")


def crlf_indent(text: str, rng: random.Random) -> str:
    """Windows line ends; a line after a sentence's end (a paragraph's first) indented by two
    ideographic spaces, with a blank line before it. A line that goes on a sentence (a
    wrapped one, a table's row) is left as it is."""
    out: list[str] = []
    starts = True
    for line in text.split("\n"):
        if not line.strip():
            continue
        if starts and out:
            out.append("")
        out.append("\u3000\u3000" + line.strip() if starts else line)
        starts = line.rstrip().endswith(_PARAGRAPH_END)
    return "\r\n".join(out) + "\r\n"


# ---------------------------------------------------------------- ocr

_OCR_MARKS = {"，": ",", "；": ";", "：": ":", "。": "."}
_HAN = re.compile(r"[\u4e00-\u9fff]")
# a number of two digits or more after a character that is no digit, point or space, up to
# a unit: OCR may read a gap inside it
_OCR_NUMBER = re.compile(r"(?<=[^\s0-9.,])[0-9]{2,}(?:\.[0-9]+)?(?=[万亿千百元%米公平立亩方])")


def _ocr_heading(line: str) -> bool:
    body = line.strip()
    return 3 <= len(body) <= 20 and not any(mark in body for mark in "。，；")


def ocr(text: str, rng: random.Random) -> str:
    def split_number(m: re.Match[str]) -> str:
        digits = m.group()
        whole = digits.split(".")[0]
        if rng.random() >= 1 / 3 or len(whole) < 2:
            return digits
        cut = rng.randint(1, len(whole) - 1)
        return digits[:cut] + " " + digits[cut:]

    lines = []
    for line in text.split("\n"):
        line = _OCR_NUMBER.sub(split_number, line)
        if _ocr_heading(line) and rng.random() < 0.5:
            lines.append(re.sub(r"(?<=[\u4e00-\u9fff])(?=[\u4e00-\u9fff])", " ", line))
            continue
        out = []
        for i, char in enumerate(line):
            before = line[i - 1] if i else ""
            after = line[i + 1] if i + 1 < len(line) else ""
            if (char in _OCR_MARKS and (_HAN.match(before) or before in "%）") and _HAN.match(after)
                    and rng.random() < 0.25):
                char = _OCR_MARKS[char]
            out.append(char)
            if _HAN.match(char) and _HAN.match(after) and rng.random() < 0.03:
                out.append(" ")
        lines.append("".join(out))
    return pdf("\n".join(lines), rng)


@dataclass(frozen=True)
class Variant:
    name: str
    text: Transform
    gold_text: Callable[[str], str] | None = None     # the gold's names and texts, when they change


VARIANTS: dict[str, Variant] = {v.name: v for v in (
    Variant("pdf", pdf),
    Variant("traditional", traditional, lambda s: traditional(s, random.Random(0))),
    Variant("chrome", chrome),
    Variant("fullwidth", fullwidth),
    Variant("halfwidth", halfwidth),
    Variant("crlf_indent", crlf_indent),
    Variant("ocr", ocr),
)}


def rng_for(variant: str, file: str) -> random.Random:
    return random.Random(zlib.crc32(f"{variant}/{file}".encode()))


def variant_gold(doc: GoldDoc, convert: Callable[[str], str]) -> GoldDoc:
    return replace(
        doc,
        mentions=tuple(replace(m, text=convert(m.text)) for m in doc.mentions),
        projects=tuple(Project(convert(p.name), p.status, tuple(map(convert, p.alt)), p.confidence)
                       for p in doc.projects))


# ---------------------------------------------------------------- scoring


@dataclass(frozen=True)
class GoldSet:
    name: str
    docs: list[GoldDoc]
    texts: dict[str, str]       # gold file -> its raw text


def read_set(name: str, folder: Path, prefixes: tuple[str, ...] = ()) -> GoldSet:
    docs = [d for d in load_gold(folder / "gold.jsonl") if not prefixes or Path(d.file).name.startswith(prefixes)]
    texts = {d.file: (folder / "raw" / d.file).read_text(encoding="utf-8") for d in docs}
    return GoldSet(name, docs, texts)


@dataclass(frozen=True)
class Scored:
    report: EvalReport
    error_docs: int             # documents whose rows failed (an offset that did not hold, a crash)


def score(pipeline: Pipeline, gold_set: GoldSet, variant: str | None) -> Scored:
    """Extract the set's documents (made into `variant`, or as they are) and score them."""
    docs = gold_set.docs
    spec = VARIANTS[variant] if variant else None
    if spec is not None and spec.gold_text is not None:
        docs = [variant_gold(d, spec.gold_text) for d in docs]
    tables: dict[str, list[dict[str, Any]]] = {"documents": [], "quantities": [], "projects": []}
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp)
        for file, text in gold_set.texts.items():
            out = spec.text(text, rng_for(spec.name, file)) if spec else text
            path = raw / file
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(out.encode("utf-8"))
        for task in plan_tasks([raw], 50 * 1024 * 1024):
            for name, rows in rows_for(pipeline, task).items():
                if name in tables:
                    tables[name].extend(rows)
    errors = sum(1 for row in tables["documents"] if row.get("status") != "ok")
    pred = predictions_from_rows(tables["documents"], tables["quantities"], tables["projects"])
    return Scored(evaluate(docs, pred), errors)


def _ratio(pair: tuple[int, int]) -> float | None:
    return pair[0] / pair[1] if pair[1] else None


def figures(report: EvalReport) -> dict[str, float | None]:
    return {"quantities F1": report.quantities.f1, "money role": _ratio(report.role_accuracy),
            "projects relaxed F1": report.relaxed.f1, "projects strict F1": report.strict.f1,
            "status accuracy": _ratio(report.status_accuracy)}


def _cell(value: float | None, base: float | None) -> str:
    if value is None:
        return "-"
    if base is None or value == base:
        return f"{value:.3f}"
    return f"{value:.3f} ({value - base:+.3f})"


def table(set_name: str, rows: list[tuple[str, Scored]]) -> str:
    base = figures(rows[0][1].report)
    names = list(base)
    head = [f"{set_name} ({len(rows[0][1].report.docs)} documents)", *names, "error rows"]
    body = [[label, *(_cell(figures(s.report)[n], base[n]) for n in names), str(s.error_docs)] for label, s in rows]
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in [head, *body])


def default_sets() -> list[GoldSet]:
    sets = [read_set(name, GOLD / name) for name in ("dev", "train") if (GOLD / name / "gold.jsonl").exists()]
    return [*sets, read_set("styles", STYLES, STYLES_BATCHES)]


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="*", help="dev, train, styles (default: all three)")
    parser.add_argument("--folder", type=Path, nargs="*", default=[], help="other gold folders (gold.jsonl, raw/)")
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--errors", action="store_true", help="each variant's misses (never train's)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    sets = [s for s in default_sets() if not args.sets or s.name in args.sets]
    sets += [read_set(folder.name, folder) for folder in args.folder]
    pipeline = Pipeline()
    for gold_set in sets:
        rows = [("original", score(pipeline, gold_set, None))]
        for variant in args.variants:
            rows.append((variant, score(pipeline, gold_set, variant)))
        print(table(gold_set.name, rows), "\n", flush=True)
        if args.errors and gold_set.name != "train":
            print(misses_against_original(gold_set.name, rows))


def misses_against_original(set_name: str, rows: list[tuple[str, Scored]]) -> str:
    """Each variant's errors that the original does not make (- lines: the original's errors
    the variant does not make), per document."""
    before = {d.file: _doc_lines(d)[1:] for d in rows[0][1].report.docs}
    out = []
    for label, scored in rows[1:]:
        out.append(f"== {set_name} / {label}: errors against the original")
        for doc in scored.report.docs:
            now = _doc_lines(doc)[1:]
            was = before.get(doc.file, [])
            new = [f"  + {line.strip()}" for line in now if line not in was and line.startswith("    ")]
            gone = [f"  - {line.strip()}" for line in was if line not in now and line.startswith("    ")]
            if new or gone:
                out += [doc.file, *new, *gone]
    return "\n".join(out)

if __name__ == "__main__":
    main()

