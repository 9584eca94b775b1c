"""jieba's dictionary segmentation (``Tokenizer.cut(text, HMM=False)`` and ``posseg``
tagging without HMM), word for word the same, but faster: a MARISA trie of the dictionary
and the project's added words, cached in a file per dictionary (see `load_segmenter`), and
the best route through a block computed in C (`jieba_route.c`) or, where that module is not
built, in Python with whole blocks cached in memory. The name judge (`stages/names.py`) and the project finder
use it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import itertools
import json
import operator
import re
from array import array
from collections.abc import Iterable
from math import log
from pathlib import Path
from typing import IO, Any

from pipeline.rules.loader import SHIPPED_CACHE_DIR, cache_dir, mark_used, write_cache_file

# jieba's own block and character classes (jieba/__init__.py and jieba/posseg/__init__.py)

_HAN_DEFAULT = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+)")
_SKIP_DEFAULT = re.compile(r"(\r\n|\s)")
_HAN_INTERNAL = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._]+)")
_SKIP_INTERNAL = _SKIP_DEFAULT
_ENG1 = re.compile(r"[a-zA-Z0-9]")
_ENG = re.compile(r"[a-zA-Z0-9]+")
_NUM = re.compile(r"[\.0-9]+")
_ASCII_ALNUM_ANY = re.compile("[a-zA-Z0-9]")
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")  # _ENG1's
_NO_WORD = float("-inf")        # below every route score (finite sums of finite logs)
_CACHE_FORMAT = 4
# Bounded so a worker's memory stays flat on a large corpus: 18,500 blocks of the 3.3 MB
# corpus cost 24 MB; the oldest half is dropped when full (dicts keep insertion order).
_BLOCK_CACHE_MAX = 24_000


class Segmenter:
    """jieba's segmentation without HMM, from its dictionary: the words with a nonzero
    frequency in a MARISA trie (`words`), each word's ``log(freq) - log(total)`` by trie id
    (`logp`) and its part-of-speech flag by trie id (`flags`, an index into `flag_names`).

    `cut(text)` equals ``list(jieba.Tokenizer.cut(text, HMM=False))`` and `tag(text)` the
    (word, flag) pairs of ``jieba.posseg.POSTokenizer.cut(text, HMM=False)`` for the same
    dictionary: the same best route (same floating-point sums, ties to the longer word),
    computed once per block of Han characters and letters (in C, or in Python and then
    cached). The trie takes
    about 1 MB where jieba's prefix dictionary and tag table take over 100 MB per process.

    >>> import jieba, jieba.posseg
    >>> text = "加快推进城南大道、滨江大桥等重点工程建设，2023年完成投资3.5亿元(约)。"
    >>> seg, tokenizer = load_segmenter(), jieba.Tokenizer()
    >>> seg.cut(text) == list(tokenizer.cut(text, HMM=False))
    True
    >>> seg.tag(text) == tuple(tuple(p) for p in jieba.posseg.POSTokenizer(tokenizer).cut(text, HMM=False))
    True
    """

    def __init__(self, words: Any, logp: array, flags: bytes, flag_names: tuple[str, ...],
                 total: int, longest: int) -> None:
        self.words = words
        self.logp = logp
        self.flags = flags
        self.flag_names = flag_names
        self.total = total
        # jieba scores a character that starts no word as log(1) - log(total)
        self._unknown = log(1) - log(total)
        self.longest = longest      # characters in the longest word (kept in the cache file:
                                    # finding it takes 60 ms, most of a load)
        # the same dictionary for the route in C (`jieba_route.c`), set by `load_segmenter`
        # when that module is built; None: the route is computed in Python, with the same result
        self.lexicon: Any = None
        # (word, flag) of each dictionary word met, by word id, made once: the words of a
        # route are these shared pairs, not a new string and tuple per word (the name
        # judge's tag cache held 1.5 MB of them per MB of a big document, and they cost
        # time to make); bounded by the dictionary
        self._pairs: dict[int, tuple[str, str]] = {}
        # the Python route's blocks seen, packed (`_pack`); flags by code, "eng" among them
        self._blocks: dict[str, array[int]] = {}
        self._codes = {name: i for i, name in enumerate(flag_names)}
        self._names = list(flag_names)
        for name in ("eng", "x"):
            self._flag_code(name)

    def _flag_code(self, name: str) -> int:
        code = self._codes.get(name)
        if code is None:
            code = self._codes[name] = len(self._names)
            self._names.append(name)
        return code

    def _pack(self, words: tuple[tuple[str, str], ...]) -> array[int] | None:
        """A block's route as one machine integer per word: where the word ends, and its
        flag's code in the low byte. 4 bytes a word, where the (word, flag) tuples take
        about 150: the cache of a big document's blocks took 3 MB per MB of its text.
        None when it does not fit (a block over 16 million characters, 256 flags)."""
        packed = []
        end = 0
        codes = self._codes
        for word, flag in words:
            end += len(word)
            code = codes.get(flag)
            if code is None or code > 0xFF or end > 0xFFFFFF:
                return None
            packed.append(end << 8 | code)
        return array("I", packed)           # made at once: no room spare for appends

    def _unpack(self, s: str, packed: array[int]) -> tuple[tuple[str, str], ...]:
        names = self._names
        out = []
        start = 0
        for value in packed:
            end = value >> 8
            out.append((s[start:end], names[value & 0xFF]))
            start = end
        return tuple(out)

    def _route(self, s: str) -> tuple[tuple[str, str], ...]:
        """(word, flag) of one block; a run of single letters/digits is glued into one
        word flagged ``eng``, as jieba does after the route."""
        if self.lexicon is not None:
            # the route in C takes less than packing a block for the cache and unpacking it
            # (half the time on fresh text), and the cache took 2-5 MB per worker
            ends, ids = self.lexicon.route(s)
            return self._words(s, ends, ids)
        cached = self._blocks.get(s)
        if cached is not None:
            return self._unpack(s, cached)
        out = self._words(s, *self._best_route(s))
        if len(self._blocks) > _BLOCK_CACHE_MAX:
            for old in list(itertools.islice(self._blocks, _BLOCK_CACHE_MAX // 2)):
                del self._blocks[old]
        packed = self._pack(out)
        if packed is not None:
            self._blocks[s] = packed
        return out

    def _words(self, s: str, ends: list[int], ids: list[int]) -> tuple[tuple[str, str], ...]:
        """(word, flag) along a route (`_best_route`); a run of single letters/digits is
        glued into one word flagged ``eng``, as jieba does after the route."""
        pairs = self._pairs
        known = tuple(map(pairs.get, ids))
        if None not in known:
            # every word met before (most routes): their pairs as they are. No character
            # that starts no word (id -1) and no single letter or digit (glued below) is
            # ever among the pairs, so nothing is glued
            return known        # type: ignore[return-value]
        flags, names = self.flags, self.flag_names
        words: list[tuple[str, str]] = []
        buf = ""
        x = 0
        for y, i in zip(ends, ids):
            pair = pairs.get(i)
            if pair is None:
                word = s[x:y]
                if y - x == 1 and word in _ASCII_ALNUM:
                    buf += word         # (never remembered: glued to its neighbours)
                    x = y
                    continue
                pair = (word, names[flags[i]]) if i >= 0 else (word, "x")
                if i >= 0:
                    pairs[i] = pair
            if buf:
                words.append((buf, "eng"))
                buf = ""
            words.append(pair)
            x = y
        if buf:
            words.append((buf, "eng"))
        return tuple(words)

    def _best_route(self, s: str) -> tuple[list[int], list[int]]:
        """Where each word of the best route through `s` ends, and its word id (-1: a
        character that starts no word), in Python (`jieba_route.c` computes the same)."""
        prefixes = self.words.iter_prefixes_with_ids
        logp = self.logp
        longest = self.longest
        unknown = self._unknown
        n = len(s)
        score = [0.0] * (n + 1)
        nxt = [0] * (n + 1)
        ids = [-1] * n
        for k in range(n - 1, -1, -1):
            # jieba: route[k] = max((log(FREQ[word] or 1) - logtotal + route[x + 1][0], x)
            # over the words s[k:x + 1] of the dictionary, else the single character
            best = _NO_WORD
            best_end = k + 1
            best_id = -1
            for word, i in prefixes(s[k:k + longest]):
                end = k + len(word)
                p = logp[i] + score[end]
                if p >= best:
                    best, best_end, best_id = p, end, i
            score[k] = unknown + score[k + 1] if best_id < 0 else best
            nxt[k] = best_end
            ids[k] = best_id
        ends: list[int] = []
        path: list[int] = []
        x = 0
        while x < n:
            ends.append(nxt[x])
            path.append(ids[x])
            x = nxt[x]
        return ends, path

    def blocks(self, text: str) -> list[tuple[str, bool]]:
        """jieba's first split: runs of Han characters, letters and digits (True: `cut`
        segments each on its own) and the pieces between them (False)."""
        parts = _HAN_DEFAULT.split(text)
        return [(b, i % 2 == 1) for i, b in enumerate(parts) if b]

    def cut_block(self, block: str, han: bool) -> list[str]:
        """Words of a block of `blocks` as `cut` yields them."""
        if len(block) == 1:
            return [block]      # one character (most blocks between Han text: a mark) is one word
        if han:
            if self.lexicon is not None and _ASCII_ALNUM_ANY.search(block) is None:
                # no letter or digit to glue (`_words`): the route's words as they are, without
                # a (word, flag) pair made for each and taken apart again
                ends, _ = self.lexicon.route(block)
                return [block[x:y] for x, y in zip([0, *ends], ends)]
            return [w for w, _ in self._route(block)]
        out: list[str] = []
        for x in _SKIP_DEFAULT.split(block):
            if _SKIP_DEFAULT.match(x):
                out.append(x)
            else:
                out.extend(x)
        return out

    def cut(self, text: str) -> list[str]:
        """``list(jieba.Tokenizer.cut(text, HMM=False))``."""
        out: list[str] = []
        for block, han in self.blocks(text):
            out.extend(self.cut_block(block, han))
        return out

    def tag(self, text: str) -> tuple[tuple[str, str], ...]:
        """(word, flag) as ``jieba.posseg.POSTokenizer.cut(text, HMM=False)`` gives them."""
        if _HAN_INTERNAL.fullmatch(text):
            return self._route(text)        # one block (most names asked about): its route
        out: list[tuple[str, str]] = []
        for blk in _HAN_INTERNAL.split(text):
            if _HAN_INTERNAL.match(blk):
                out.extend(self._route(blk))
                continue
            for x in _SKIP_INTERNAL.split(blk):
                if _SKIP_INTERNAL.match(x):
                    out.append((x, "x"))
                    continue
                eng = _ENG.match(x) is not None
                for xx in x:
                    out.append((xx, "m" if _NUM.match(xx) else "eng" if eng else "x"))
        return tuple(out)


def _jieba_dict() -> Path:
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise ImportError("jieba is not installed")
    return Path(spec.origin).parent / "dict.txt"


# The cache file: a header line (JSON: total, flag names, word count), then the trie's
# bytes, then one float64 per word id, then one flag byte per word id, then for the route
# in C the words by id (where each starts, as uint32, and their characters' code points,
# as uint32) and, when that module is built, its hash table of them (`jieba_route.Lexicon`;
# 8 MB, read in 15 ms where building it takes 0.2 s). Plain data, so a tampered cache can
# at worst segment badly; it is checked for consistency all the same.
_MAGIC = b"keyproj-jieba-trie 4\n"


def _words_by_id(trie: Any) -> list[str]:
    """The trie's words in id order (its items sorted by id: `restore_key` for every id took
    twice as long)."""
    return [word for word, _ in sorted(trie.items(), key=operator.itemgetter(1))]


def _packed_words(words: list[str]) -> tuple[bytes, bytes]:
    """(offsets, characters) of `words`: word i is ``characters[offsets[i]:offsets[i + 1]]``,
    both as native uint32."""
    offsets = array("I", [0])
    offsets.extend(itertools.accumulate(map(len, words)))
    return offsets.tobytes(), array("I", map(ord, "".join(words))).tobytes()


def _route_available() -> bool:
    return importlib.util.find_spec("pipeline.text.jieba_route") is not None


def _lexicon(offsets: bytes, chars: bytes, seg: Segmenter, table: bytes = b"") -> Any:
    """The C route's dictionary for `seg`'s words (`jieba_route.Lexicon`, from its saved
    `table` when there is one), or None where that module is not built."""
    try:
        from pipeline.text import jieba_route  # type: ignore[attr-defined]
    except ImportError:
        return None
    args = (chars, offsets, seg.logp, seg.longest, seg._unknown)
    return jieba_route.Lexicon(*args, table) if table else jieba_route.Lexicon(*args)


def _write_cache(path: Path, seg: Segmenter, offsets: bytes, chars: bytes, content: str) -> None:
    table = seg.lexicon.table() if seg.lexicon is not None else b""
    header = json.dumps({"total": seg.total, "flags": list(seg.flag_names), "words": len(seg.logp),
                         "longest": seg.longest, "trie_bytes": len(blob := seg.words.tobytes()),
                         "chars": len(chars) // 4, "table_bytes": len(table),
                         "content": content}).encode("utf-8")

    def write(f: IO[bytes]) -> None:
        f.write(_MAGIC + header + b"\n")
        f.write(blob)
        f.write(seg.logp.tobytes())
        f.write(seg.flags)
        f.write(offsets)
        f.write(chars)
        f.write(table)

    write_cache_file(path, write, "keyproj-jieba-*.trie")


def _read_cache(path: Path) -> Segmenter | None:
    try:
        with path.open("rb") as f:
            return _segmenter_in(f)
    except OSError:
        return None


def _segmenter_in(f: IO[bytes]) -> Segmenter | None:
    """The segmenter in a cache file's bytes; None when they are not consistent."""
    import marisa_trie

    try:
        return _read_sections(f, marisa_trie)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError):
        return None


def _read_sections(f: IO[bytes], marisa_trie: Any) -> Segmenter | None:
    """The segmenter in an open cache file, each part read once into its own buffer (no
    copy of the whole file, no slices of it); None when the file is not consistent."""
    if f.read(len(_MAGIC)) != _MAGIC:
        return None
    header = json.loads(f.readline())
    n, nchars, table_bytes = int(header["words"]), int(header["chars"]), int(header["table_bytes"])
    words = marisa_trie.Trie().frombytes(f.read(int(header["trie_bytes"])))
    logp = array("d")
    logp.frombytes(f.read(8 * n))
    flags = f.read(n)
    need_offsets = table_bytes == 0 or not _route_available()
    offsets = b""
    if need_offsets:           # only a Lexicon built here reads them
        offsets = f.read(4 * (n + 1))
    else:
        f.seek(4 * (n + 1), 1)
    chars = f.read(4 * nchars)
    table = f.read(table_bytes) if table_bytes else b""
    names = tuple(str(flag) for flag in header["flags"])
    if len(words) != n or len(logp) != n or len(flags) != n or len(chars) != 4 * nchars \
            or len(table) != table_bytes or (need_offsets and len(offsets) != 4 * (n + 1)) \
            or flags.translate(None, bytes(range(len(names)))) or f.read(1):
        return None         # short, long, or a flag without a name
    segmenter = Segmenter(words, logp, flags, names, int(header["total"]), int(header["longest"]))
    segmenter.lexicon = _lexicon(offsets, chars, segmenter, table)
    return segmenter


# a line of jieba's dictionary, "word frequency flag"
_DICT_LINE = re.compile(r"^(\S+) (\S+) (\S+)$", re.M)


def _dictionary(dict_path: Path, added: list[str], freq: int) -> tuple[dict[str, int], int, dict[str, str]]:
    """What jieba's ``Tokenizer.initialize()`` and then ``add_word(word, freq)`` for each of
    `added` longer than one character make of the dictionary file, read without jieba: each
    word's frequency (its last line's; an added word's is `freq`; jieba's zero-frequency
    prefix entries, which never enter its DAG, are left out), the total (every line's
    frequency and every added word's, as jieba sums them) and each word's part-of-speech
    flag (as ``posseg`` reads it). Importing jieba (it loads pkg_resources) and loading its
    dictionary took a first run 1.5-3 s of CPU more than reading the file here."""
    data = dict_path.read_bytes()
    rows = _DICT_LINE.findall(data.decode("utf-8"))
    # every line matched (as many rows as lines: then none is blank), else count the lines
    # that are not blank and read them one by one when some did not match
    every_line = len(rows) == data.count(b"\n") + (not data.endswith(b"\n"))
    lines = [] if every_line else [line for line in data.split(b"\n") if line.strip()]
    if not every_line and len(rows) != len(lines):
        # a line of another shape (padded, carriage return, other spaces): read line by
        # line, as jieba's gen_pfdict and posseg's load_word_tag do (three times slower)
        rows = [tuple(line.strip().decode("utf-8").split(" ")) for line in lines]
        if any(len(row) != 3 for row in rows):
            raise ValueError(f"{dict_path}: a line is not 'word frequency flag'")
    words = [row[0] for row in rows]
    counts = [row[1] for row in rows]
    flags = [row[2] for row in rows]
    numbers = list(map(int, counts))
    frequency = dict(zip(words, numbers))       # a word's last line wins, as in jieba
    total = sum(numbers)
    for word in added:
        if len(word) > 1:
            frequency[word] = freq
            total += freq
    return frequency, total, dict(zip(words, flags))


def load_segmenter(words: Iterable[str] = (), freq: int = 2000) -> Segmenter:
    """jieba's default dictionary plus `words` (each with frequency `freq`, as
    ``Tokenizer.add_word(word, freq)`` adds them).

    Built once from jieba's dictionary file and kept in ``$KEYPROJ_CACHE_DIR`` (default
    ``~/.cache/keyproj``), keyed by the dictionary file and the added words; later loads
    read one 5 MB file and skip jieba altogether (a few milliseconds instead of 0.8 s)."""
    added = sorted(set(words))
    dict_path = _jieba_dict()
    stat = dict_path.stat()
    key = hashlib.sha1(repr((_CACHE_FORMAT, str(dict_path), stat.st_size, stat.st_mtime_ns,
                             freq, added)).encode("utf-8")).hexdigest()[:16]
    cache = cache_dir() / f"keyproj-jieba-{key}.trie"
    found = _read_cache(cache)
    if found is not None:
        mark_used(cache)
        return found
    content = _content_key(dict_path, freq, added)
    found = _from_shipped(SHIPPED_CACHE_DIR / f"keyproj-jieba-{content}.trie", cache)
    if found is not None:
        return found
    import marisa_trie

    frequency, total, tags = _dictionary(dict_path, added, freq)
    known = [w for w, f in frequency.items() if f]
    trie = marisa_trie.Trie(known)
    by_id = _words_by_id(trie)
    logtotal = log(total)
    logs = {f: log(f) - logtotal for f in set(frequency.values()) if f}    # one log per frequency
    # (map over bound methods: no Python frame per word, a third of a listcomp's time)
    logp = array("d", map(logs.__getitem__, map(frequency.__getitem__, by_id)))
    names = sorted(set(tags.values()) | {"x"})
    code = {name: i for i, name in enumerate(names)}
    flags = bytes(map(code.__getitem__, map(tags.get, by_id, itertools.repeat("x"))))
    segmenter = Segmenter(trie, logp, flags, tuple(names), total, max(map(len, known), default=1))
    offsets, chars = _packed_words(by_id)
    segmenter.lexicon = _lexicon(offsets, chars, segmenter)
    _write_cache(cache, segmenter, offsets, chars, content)
    return segmenter


# ---- the cache files a wheel ships ------------------------------------------------------------
#
# Building the file takes a first run 1-2 s of CPU. A wheel (setup.py) ships the file of the
# rules it carries in pipeline/_prebuilt (`loader.SHIPPED_CACHE_DIR`, beside the rules' and
# patterns' files), named by what it holds (the dictionary's bytes, the added words) rather
# than by where jieba's dictionary lies: a fresh installation whose jieba has the same
# dictionary starts with it, copied once into the user's cache folder. Plain data, checked as
# the user's cache file is.


def _content_key(dict_path: Path, freq: int, added: list[str]) -> str:
    """What a segmenter is built from, as a name: the dictionary file's bytes (8 ms to hash,
    paid only when the user's cache has no file for it), the frequency and the added words."""
    digest = hashlib.sha1(dict_path.read_bytes()).hexdigest()
    return hashlib.sha1(repr((_CACHE_FORMAT, digest, freq, added)).encode("utf-8")).hexdigest()[:16]


def _from_shipped(shipped: Path, cache: Path) -> Segmenter | None:
    """The segmenter of the shipped file `shipped`, copied to the user's `cache` file; None
    when no such file is shipped or it is not consistent. The file is read once: the bytes
    checked are the bytes copied."""
    try:
        data = shipped.read_bytes()
    except OSError:             # none shipped (or not a file)
        return None
    found = _segmenter_in(io.BytesIO(data))
    if found is not None:
        write_cache_file(cache, lambda f: f.write(data), "keyproj-jieba-*.trie")
    return found


def shipped_name(path: Path) -> str | None:
    """The name the cache file `path` ships under (see SHIPPED_CACHE_DIR), from its header; None
    for a file without one."""
    try:
        with path.open("rb") as f:
            if f.read(len(_MAGIC)) != _MAGIC:
                return None
            content = json.loads(f.readline()).get("content")
    except (OSError, ValueError):
        return None
    return f"keyproj-jieba-{content}.trie" if isinstance(content, str) else None
