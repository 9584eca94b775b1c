"""text/segmenter.py: jieba's segmentation (HMM off) from a MARISA trie, and its cache file.

Each sentence is cut by jieba itself and by the Segmenter; they must agree word for word
and tag for tag, with and without added words.
"""

from __future__ import annotations

import io
import logging

import jieba
import jieba.posseg
import pytest

from pipeline.text import segmenter
from pipeline.text.segmenter import load_segmenter

SENTENCES = [
    "加快推进城南大道、滨江大桥等重点工程建设，2023年完成投资3.5亿元。",
    "云州港三期码头工程受台风影响进展缓慢",
    "ABC-12路段及G318国道改扩建项目已竣工通车",
    "这是一个没有标点的很长的句子里面有各种各样的词语和一些生僻字龘靐齉爩",
    "１２３全角数字和half width 123 mixed 文字",
    "",
    "。，；",
    "推进实施西湖区环湖绿道二期",
]
ADDED = ["推进实施", "环湖绿道"]


@pytest.fixture(scope="module")
def jieba_pair():
    jieba.setLogLevel(logging.WARNING)
    plain = jieba.Tokenizer()
    plain.initialize()
    added = jieba.Tokenizer()
    added.initialize()
    for word in ADDED:
        added.add_word(word, 2000)
    return plain, added


@pytest.mark.parametrize("sentence", SENTENCES)
def test_segmenter_equals_jieba(sentence, jieba_pair, tmp_path, monkeypatch):
    monkeypatch.setenv("KEYPROJ_CACHE_DIR", str(tmp_path))
    for tokenizer, words in zip(jieba_pair, ([], ADDED), strict=True):
        seg = load_segmenter(words)
        assert seg.cut(sentence) == list(tokenizer.cut(sentence, HMM=False))
        expected = tuple((p.word, p.flag) for p in jieba.posseg.POSTokenizer(tokenizer).cut(sentence, HMM=False))
        assert seg.tag(sentence) == expected


def test_cache_is_written_once_and_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("KEYPROJ_CACHE_DIR", str(tmp_path))
    first = load_segmenter(ADDED)
    files = list(tmp_path.glob("keyproj-jieba-*.trie"))
    assert len(files) == 1
    second = load_segmenter(ADDED)
    assert second.total == first.total and second.flag_names == first.flag_names
    assert second.longest == first.longest == max(len(w) for w in first.words.iterkeys())
    assert list(second.logp) == list(first.logp) and second.flags == first.flags
    assert second.cut(SENTENCES[0]) == first.cut(SENTENCES[0])


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_damaged_cache_is_rebuilt(damage, tmp_path, monkeypatch):
    monkeypatch.setenv("KEYPROJ_CACHE_DIR", str(tmp_path))
    good = load_segmenter()
    path = next(tmp_path.glob("keyproj-jieba-*.trie"))
    data = path.read_bytes()
    path.write_bytes({"truncate": data[: len(data) // 2], "garbage": b"\x00" * 1000, "empty": b""}[damage])
    assert segmenter._read_cache(path) is None
    again = load_segmenter()
    assert again.tag(SENTENCES[1]) == good.tag(SENTENCES[1])
    assert segmenter._read_cache(path) is not None       # rewritten whole


def _python_route(seg: segmenter.Segmenter) -> segmenter.Segmenter:
    """`seg` routing in Python, as where the C module is not built (its blocks cached)."""
    seg.lexicon = None
    return seg


@pytest.mark.parametrize("sentence", SENTENCES)
def test_a_block_served_from_the_cache_equals_jieba(sentence, jieba_pair, tmp_path, monkeypatch):
    monkeypatch.setenv("KEYPROJ_CACHE_DIR", str(tmp_path))
    tokenizer = jieba_pair[1]
    seg = _python_route(load_segmenter(ADDED))
    expected = tuple((p.word, p.flag) for p in jieba.posseg.POSTokenizer(tokenizer).cut(sentence, HMM=False))
    for _ in range(2):                  # the second time every block comes from the cache
        assert seg.tag(sentence) == expected
        assert seg.cut(sentence) == list(tokenizer.cut(sentence, HMM=False))


def test_the_block_cache_keeps_four_bytes_a_word(tmp_path, monkeypatch):
    """Not a (word, flag) tuple per word (about 150 bytes): a big document filled the
    cache with 3 MB per MB of its text."""
    import sys

    monkeypatch.setenv("KEYPROJ_CACHE_DIR", str(tmp_path))
    def size(obj: object, seen: set[int]) -> int:
        """Bytes of `obj` and of the tuples and texts inside it, each counted once."""
        if id(obj) in seen:
            return 0
        seen.add(id(obj))
        inner = sum(size(item, seen) for item in obj) if isinstance(obj, tuple) else 0
        return sys.getsizeof(obj) + inner

    seg = _python_route(load_segmenter(ADDED))
    words = sum(len(seg.tag(s)) for s in SENTENCES)
    seen: set[int] = set()
    held = sum(size(packed, seen) for packed in seg._blocks.values())
    assert words > 50
    assert held <= 4 * words + 80 * len(seg._blocks)    # 4 bytes a word, plus each array's header


# -- the route in C (text/jieba_route.c): the same route as the Python one, bit for bit --------

needs_c = pytest.mark.skipif(not segmenter._route_available(), reason="text/jieba_route.c is not built here")

# blocks as _route receives them (runs of Han characters, letters and digits): words of the
# dictionary, added words, unknown characters, long runs, letters and digits glued
BLOCKS = [
    "加快推进城南大道", "推进实施西湖区环湖绿道二期", "龘靐齉爩", "ABC12路段及G318国道改扩建项目已竣工通车",
    "这是一个没有标点的很长的句子里面有各种各样的词语和一些生僻字", "一", "a", "2023年完成投资3.5亿元",
    "中华人民共和国国务院办公厅关于进一步加强重点项目建设管理的通知",
]


@needs_c
@pytest.mark.parametrize("words", [[], ADDED], ids=["jieba's dictionary", "with added words"])
def test_the_route_in_c_equals_the_route_in_python(words, tmp_path, monkeypatch):
    monkeypatch.setenv("KEYPROJ_CACHE_DIR", str(tmp_path))
    seg = load_segmenter(words)
    assert seg.lexicon is not None
    for block in BLOCKS:
        ends, ids = seg.lexicon.route(block)
        assert (list(ends), list(ids)) == seg._best_route(block), block


@needs_c
def test_the_route_in_c_equals_python_on_any_text():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    seg = load_segmenter()
    # characters of common words, so that most runs hold words of several lengths
    alphabet = st.sampled_from("中华人民共和国城南大道工程建设项目推进实施重点投资完成亿元年月龘AB12")

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet, min_size=1, max_size=40))
    def same(block: str) -> None:
        ends, ids = seg.lexicon.route(block)
        assert (list(ends), list(ids)) == seg._best_route(block)

    same()


@needs_c
def test_the_route_in_c_keeps_no_block_cache(tmp_path, monkeypatch):
    """Packing a block for the cache and unpacking it took longer than the route in C."""
    monkeypatch.setenv("KEYPROJ_CACHE_DIR", str(tmp_path))
    seg = load_segmenter()
    for _ in range(2):
        assert seg.tag(SENTENCES[0])
    assert seg._blocks == {}


@needs_c
def test_the_cache_file_keeps_the_c_table_and_a_damaged_one_is_rebuilt(tmp_path, monkeypatch):
    import json

    monkeypatch.setenv("KEYPROJ_CACHE_DIR", str(tmp_path))
    built = load_segmenter(ADDED)
    path = next(tmp_path.glob("keyproj-jieba-*.trie"))
    read = segmenter._read_cache(path)
    assert read is not None and read.lexicon is not None
    assert read.lexicon.table() == built.lexicon.table()        # read back, not built again
    assert read.tag(SENTENCES[3]) == built.tag(SENTENCES[3])
    # a slot pointing past the words: refused, the file is rebuilt
    data = bytearray(path.read_bytes())
    header = json.loads(data[len(segmenter._MAGIC):data.index(b"\n", len(segmenter._MAGIC))])
    table_at = len(data) - header["table_bytes"]
    slot = next(i for i in range(table_at, len(data), 8) if any(data[i:i + 8]))
    data[slot:slot + 4] = (0xFFFFFFF0).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    assert segmenter._read_cache(path) is None
    assert load_segmenter(ADDED).tag(SENTENCES[3]) == built.tag(SENTENCES[3])
    assert segmenter._read_cache(path) is not None


def test_without_the_c_route_the_python_one_cuts_the_same(jieba_pair, tmp_path, monkeypatch):
    monkeypatch.setenv("KEYPROJ_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(segmenter, "_route_available", lambda: False)
    monkeypatch.setattr(segmenter, "_lexicon", lambda *args, **kwargs: None)
    seg = load_segmenter(ADDED)
    assert seg.lexicon is None
    tokenizer = jieba_pair[1]
    for sentence in SENTENCES:
        assert seg.cut(sentence) == list(tokenizer.cut(sentence, HMM=False))


@pytest.mark.parametrize(("sentence", "word"), [
    # sentence                                   a word it names twice
    ("城南大道开工，城南大道通车", "大道"),
    ("推进实施西湖区环湖绿道，推进实施二期", "推进实施"),
])
def test_a_word_met_again_is_the_same_pair(sentence, word, jieba_pair, tmp_path, monkeypatch):
    """Each dictionary word's (word, flag) is made once and shared: a big document's cached
    tags held a new string and tuple per word."""
    monkeypatch.setenv("KEYPROJ_CACHE_DIR", str(tmp_path))
    seg = load_segmenter(ADDED)
    tags = seg.tag(sentence)
    assert tags == tuple(tuple(p) for p in jieba.posseg.POSTokenizer(jieba_pair[1]).cut(sentence, HMM=False))
    pairs = [pair for pair in tags + seg.tag(word) if pair[0] == word]
    assert len(pairs) == 3 and all(pair is pairs[0] for pair in pairs)


# Invented dictionaries: what jieba makes of each (its Tokenizer on the file, words added),
# and what the segmenter reads from it without jieba must be the same frequencies and total.
DICTIONARIES = {
    "plain": "城南 30 ns\n城南大道 12 ns\n大道 40 n\n推进 80 v\n",
    "a word twice: the last line wins, both count in the total": "大桥 5 n\n滨江 9 ns\n大桥 7 n\n",
    "a zero frequency": "青岚 0 ns\n青岚县 4 ns\n",
    "a carriage return": "城南 30 ns\r\n大道 40 n\n",
    "padded line": "  绿道 6 n  \n环湖 3 v\n",
}
ADDED_WORDS = [[], ["城南大道", "滨江路", "路"], ["大桥"]]


@pytest.mark.parametrize("text", DICTIONARIES.values(), ids=DICTIONARIES.keys())
@pytest.mark.parametrize("added", ADDED_WORDS)
def test_dictionary_read_as_jieba_reads_it(text, added, tmp_path):
    path = tmp_path / "dict.txt"
    path.write_bytes(text.encode("utf-8"))
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer(str(path))
    tokenizer.tmp_dir = str(tmp_path)
    tokenizer.initialize()
    for word in added:
        if len(word) > 1:
            tokenizer.add_word(word, 2000)
    frequency, total, tags = segmenter._dictionary(path, added, 2000)
    assert {w: f for w, f in frequency.items() if f} == {w: f for w, f in tokenizer.FREQ.items() if f}
    assert total == tokenizer.total
    assert tags == {line.split()[0]: line.split()[2] for line in text.splitlines() if line.strip()}


def test_dictionary_refuses_a_line_without_three_fields(tmp_path):
    path = tmp_path / "dict.txt"
    path.write_bytes("城南 30 ns\n大道 40\n".encode())
    with pytest.raises(ValueError):
        segmenter._dictionary(path, [], 2000)


def test_shipped_file_is_read_and_copied_to_the_users_cache(tmp_path, monkeypatch):
    """A wheel's file for the same dictionary and words is read instead of building one, and
    copied into the user's cache; one for other words is not used."""
    built, shipped, users = tmp_path / "built", tmp_path / "shipped", tmp_path / "users"
    monkeypatch.setenv("KEYPROJ_CACHE_DIR", str(built))
    reference = load_segmenter(ADDED)
    [made] = built.glob("keyproj-jieba-*.trie")
    shipped.mkdir()
    (shipped / segmenter.shipped_name(made)).write_bytes(made.read_bytes())
    monkeypatch.setattr(segmenter, "SHIPPED_CACHE_DIR", shipped)
    monkeypatch.setenv("KEYPROJ_CACHE_DIR", str(users))

    def no_build(*args):
        raise AssertionError("built although a shipped file holds it")

    with monkeypatch.context() as m:
        m.setattr(segmenter, "_dictionary", no_build)
        found = load_segmenter(reversed(ADDED))        # the same words, in another order
    assert found.tag(SENTENCES[-1]) == reference.tag(SENTENCES[-1])
    [copied] = users.glob("keyproj-jieba-*.trie")
    assert copied.read_bytes() == made.read_bytes()
    other = load_segmenter(["环湖"])                    # other words: built, not the shipped file
    assert other.total != found.total
    assert len(list(users.glob("keyproj-jieba-*.trie"))) == 2


def test_a_shipped_file_cut_short_is_neither_read_nor_copied(tmp_path, monkeypatch):
    """A wheel's file that is not consistent (here its last bytes lost) is left alone: the
    segmenter is built as without one, and the user's cache gets the built file."""
    built, shipped, users = tmp_path / "built", tmp_path / "shipped", tmp_path / "users"
    monkeypatch.setenv("KEYPROJ_CACHE_DIR", str(built))
    reference = load_segmenter(ADDED)
    [made] = built.glob("keyproj-jieba-*.trie")
    shipped.mkdir()
    cut = made.read_bytes()[:-100]
    (shipped / segmenter.shipped_name(made)).write_bytes(cut)
    monkeypatch.setattr(segmenter, "SHIPPED_CACHE_DIR", shipped)
    monkeypatch.setenv("KEYPROJ_CACHE_DIR", str(users))
    written: list[bytes] = []

    def kept(path, write, kind):
        buffer = io.BytesIO()
        write(buffer)
        written.append(buffer.getvalue())
        real_write(path, write, kind)

    real_write = segmenter.write_cache_file
    monkeypatch.setattr(segmenter, "write_cache_file", kept)
    found = load_segmenter(ADDED)
    assert found.tag(SENTENCES[-1]) == reference.tag(SENTENCES[-1])
    assert written == [made.read_bytes()]           # the built file only, never the cut one
    [copied] = users.glob("keyproj-jieba-*.trie")
    assert copied.read_bytes() == made.read_bytes()


def test_shipped_name_needs_the_header_key(tmp_path):
    path = tmp_path / "x.trie"
    path.write_bytes(b"keyproj-jieba-trie 4\n" + b'{"total": 1}\n')
    assert segmenter.shipped_name(path) is None
    path.write_bytes(b"not a cache file")
    assert segmenter.shipped_name(path) is None
