/* jieba's best route through a block of text (segmenter.Segmenter._route), in C.
 *
 * The Python route asks the MARISA trie for the words starting at every character; each
 * ask costs about 2.7 microseconds through the binding, three quarters of the route. Here
 * the dictionary is a hash table of every word and every prefix of one (as jieba's own
 * FREQ holds them), looked up while a word grows one character at a time, and the dynamic
 * programme runs on doubles with the same additions in the same order as the Python code,
 * ties to the longer word: the result is the same route, bit for bit.
 *
 *   Lexicon(chars, offsets, logp, longest, unknown[, table])
 *     chars: bytes, the words' code points as native uint32, word after word, in id order
 *     offsets: bytes, native uint32, where each word starts in `chars`, and the end (n + 1);
 *       not read when `table` is given
 *     logp: a buffer of native doubles (array "d"), log(freq) - log(total) by word id
 *     table: bytes, the hash table as `Lexicon.table()` gave it for the same words (kept
 *       in the segmenter's cache file: building it takes 0.2 s, reading it a few ms)
 *   Lexicon.route(block) -> (ends, ids): along the best route, where each word ends and
 *     its id (-1: a character that starts no word)
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    uint32_t off;       /* where the key's characters start in `chars` */
    uint32_t meta;      /* (id + 1) << 8 | length; 0: an empty slot */
} Slot;

typedef struct {
    PyObject_HEAD
    PyObject *chars_obj;
    PyObject *table_obj;        /* the bytes `slots` points into, when read from a cache */
    Py_buffer logp_view;        /* the caller's array of doubles, shared, not copied */
    const uint32_t *chars;
    const double *logp;
    Slot *slots;                /* owned (PyMem) when table_obj is NULL */
    uint64_t mask;
    Py_ssize_t used;
    Py_ssize_t nwords;
    int longest;
    double unknown;
} Lexicon;

#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL
#define MAX_LEN 255

static inline uint64_t step(uint64_t h, uint32_t c) { return (h ^ c) * FNV_PRIME; }

static uint64_t hash_of(const uint32_t *q, int len) {
    uint64_t h = FNV_OFFSET;
    for (int i = 0; i < len; i++) h = step(h, q[i]);
    return h;
}

/* The slot holding key q[0:len], or the empty slot where it would go. FNV's low bits
   depend only on the low bits of the characters: they are mixed in before masking
   (splitmix64's finaliser), or similar words crowd into runs of slots. */
static Slot *find(const Lexicon *lx, uint64_t h, const uint32_t *q, int len) {
    h ^= h >> 30; h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27; h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    uint64_t i = h & lx->mask;
    for (;;) {
        Slot *s = &lx->slots[i];
        if (s->meta == 0) return s;
        if ((int)(s->meta & 0xFF) == len && memcmp(lx->chars + s->off, q, (size_t)len * 4) == 0) return s;
        i = (i + 1) & lx->mask;
    }
}

static int grow(Lexicon *lx) {
    uint64_t size = (lx->mask + 1) * 2;
    Slot *old = lx->slots;
    uint64_t old_size = lx->mask + 1;
    lx->slots = PyMem_Calloc((size_t)size, sizeof(Slot));
    if (lx->slots == NULL) { lx->slots = old; PyErr_NoMemory(); return -1; }
    lx->mask = size - 1;
    for (uint64_t i = 0; i < old_size; i++) {
        if (old[i].meta == 0) continue;
        int len = (int)(old[i].meta & 0xFF);
        const uint32_t *q = lx->chars + old[i].off;
        *find(lx, hash_of(q, len), q, len) = old[i];
    }
    PyMem_Free(old);
    return 0;
}

/* The hash table from `table()`'s bytes, every slot checked to point inside the words
   (a damaged cache file then segments badly at worst, never reads out of bounds). */
static int load_table(Lexicon *self, PyObject *table, Py_ssize_t nchars) {
    Py_ssize_t size = PyBytes_GET_SIZE(table) / (Py_ssize_t)sizeof(Slot);
    if (size < 2 || (size & (size - 1)) || PyBytes_GET_SIZE(table) % (Py_ssize_t)sizeof(Slot)) {
        PyErr_SetString(PyExc_ValueError, "inconsistent lexicon table");
        return -1;
    }
    const Slot *from = (const Slot *)PyBytes_AS_STRING(table);
    Py_ssize_t used = 0;
    for (Py_ssize_t i = 0; i < size; i++) {
        if (from[i].meta == 0) continue;
        uint32_t len = from[i].meta & 0xFF;
        long id = (long)(from[i].meta >> 8) - 1;
        if (len == 0 || (uint64_t)from[i].off + len > (uint64_t)nchars || id >= self->nwords) {
            PyErr_SetString(PyExc_ValueError, "inconsistent lexicon table");
            return -1;
        }
        used++;
    }
    if (used >= size) {        /* a full table: a lookup that misses would never end */
        PyErr_SetString(PyExc_ValueError, "inconsistent lexicon table");
        return -1;
    }
    Py_INCREF(table);
    self->table_obj = table;
    self->slots = (Slot *)from;         /* never written to: lookups only */
    self->mask = (uint64_t)size - 1;
    self->used = used;
    return 0;
}

static void release(Lexicon *self) {
    if (self->table_obj == NULL) PyMem_Free(self->slots);
    self->slots = NULL;
    Py_CLEAR(self->table_obj);
    Py_CLEAR(self->chars_obj);
    if (self->logp_view.obj != NULL) PyBuffer_Release(&self->logp_view);
}

static void Lexicon_dealloc(Lexicon *self) {
    release(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int Lexicon_init(Lexicon *self, PyObject *args, PyObject *kwds) {
    PyObject *chars, *offsets, *table = NULL;
    Py_buffer logp;
    int longest;
    double unknown;
    release(self);
    if (!PyArg_ParseTuple(args, "SSy*id|S", &chars, &offsets, &logp, &longest, &unknown, &table)) return -1;
    self->logp_view = logp;
    Py_ssize_t nwords = logp.len / 8;
    Py_ssize_t nchars = PyBytes_GET_SIZE(chars) / 4;
    if (logp.len % 8 || PyBytes_GET_SIZE(chars) % 4 || longest < 1 || longest > MAX_LEN
            || (table == NULL && PyBytes_GET_SIZE(offsets) != (nwords + 1) * 4)) {
        PyErr_SetString(PyExc_ValueError, "inconsistent lexicon");
        return -1;
    }
    Py_INCREF(chars);
    self->chars_obj = chars;
    self->chars = (const uint32_t *)PyBytes_AS_STRING(chars);
    self->logp = (const double *)logp.buf;
    self->nwords = nwords;
    self->longest = longest;
    self->unknown = unknown;
    if (table != NULL) return load_table(self, table, nchars);
    self->mask = (1u << 16) - 1;
    self->used = 0;
    self->slots = PyMem_Calloc((size_t)self->mask + 1, sizeof(Slot));
    if (self->slots == NULL) { PyErr_NoMemory(); return -1; }
    const uint32_t *off = (const uint32_t *)PyBytes_AS_STRING(offsets);
    for (Py_ssize_t id = 0; id < self->nwords; id++) {
        uint32_t start = off[id], end = off[id + 1];
        if (end < start || end > (uint64_t)nchars || end - start > MAX_LEN || end == start || id >= 0xFFFFFF) {
            PyErr_SetString(PyExc_ValueError, "inconsistent lexicon");
            return -1;
        }
        int len = (int)(end - start);
        const uint32_t *q = self->chars + start;
        uint64_t h = FNV_OFFSET;
        for (int n = 1; n <= len; n++) {   /* the word and every prefix of it */
            h = step(h, q[n - 1]);
            if ((uint64_t)(self->used + 1) * 10 > (self->mask + 1) * 7 && grow(self) < 0) return -1;
            Slot *s = find(self, h, q, n);
            if (s->meta == 0) {
                s->off = start;
                s->meta = (uint32_t)n;
                self->used++;
            }
            if (n == len) s->meta = (uint32_t)(id + 1) << 8 | (uint32_t)n;
        }
    }
    return 0;
}

static PyObject *Lexicon_route(Lexicon *self, PyObject *arg) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "route() takes a str");
        return NULL;
    }
    if (self->slots == NULL) {
        PyErr_SetString(PyExc_ValueError, "lexicon not initialised");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    Py_UCS4 *q = PyUnicode_AsUCS4Copy(arg);
    if (q == NULL) return NULL;
    double *score = PyMem_Malloc(sizeof(double) * (size_t)(n + 1));
    Py_ssize_t *nxt = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(n + 1));
    long *ids = PyMem_Malloc(sizeof(long) * (size_t)(n + 1));
    PyObject *ends_out = NULL, *ids_out = NULL, *result = NULL;
    if (score == NULL || nxt == NULL || ids == NULL) { PyErr_NoMemory(); goto done; }
    score[n] = 0.0;
    for (Py_ssize_t k = n - 1; k >= 0; k--) {
        /* jieba: route[k] = max((log(FREQ[word] or 1) - logtotal + route[x + 1][0], x)
           over the words s[k:x + 1] of the dictionary, else the single character */
        double best = -INFINITY;
        Py_ssize_t best_end = k + 1;
        long best_id = -1;
        uint64_t h = FNV_OFFSET;
        for (int len = 1; len <= self->longest && k + len <= n; len++) {
            h = step(h, (uint32_t)q[k + len - 1]);
            const Slot *s = find(self, h, (const uint32_t *)q + k, len);
            if (s->meta == 0) break;                /* no word goes on this way */
            long id = (long)(s->meta >> 8) - 1;
            if (id < 0) continue;                   /* a prefix only */
            double p = self->logp[id] + score[k + len];
            if (p >= best) { best = p; best_end = k + len; best_id = id; }
        }
        score[k] = best_id < 0 ? self->unknown + score[k + 1] : best;
        nxt[k] = best_end;
        ids[k] = best_id;
    }
    ends_out = PyList_New(0);
    ids_out = PyList_New(0);
    if (ends_out == NULL || ids_out == NULL) goto done;
    for (Py_ssize_t x = 0; x < n; x = nxt[x]) {
        PyObject *e = PyLong_FromSsize_t(nxt[x]);
        PyObject *i = PyLong_FromLong(ids[x]);
        int bad = e == NULL || i == NULL || PyList_Append(ends_out, e) < 0 || PyList_Append(ids_out, i) < 0;
        Py_XDECREF(e);
        Py_XDECREF(i);
        if (bad) goto done;
    }
    result = PyTuple_Pack(2, ends_out, ids_out);
done:
    Py_XDECREF(ends_out);
    Py_XDECREF(ids_out);
    PyMem_Free(score);
    PyMem_Free(nxt);
    PyMem_Free(ids);
    PyMem_Free(q);
    return result;
}

static PyObject *Lexicon_size(Lexicon *self, PyObject *Py_UNUSED(ignored)) {
    return Py_BuildValue("(nK)", self->used, (unsigned long long)(self->mask + 1));
}

static PyObject *Lexicon_table(Lexicon *self, PyObject *Py_UNUSED(ignored)) {
    if (self->slots == NULL) {
        PyErr_SetString(PyExc_ValueError, "lexicon not initialised");
        return NULL;
    }
    return PyBytes_FromStringAndSize((const char *)self->slots, (Py_ssize_t)((self->mask + 1) * sizeof(Slot)));
}

static PyMethodDef Lexicon_methods[] = {
    {"table", (PyCFunction)Lexicon_table, METH_NOARGS, "table() -> the hash table's bytes (see Lexicon())"},
    {"route", (PyCFunction)Lexicon_route, METH_O,
     "route(block) -> (ends, ids) of the best route, as Segmenter._route computes it"},
    {"size", (PyCFunction)Lexicon_size, METH_NOARGS, "size() -> (keys, slots) of the hash table"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject LexiconType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pipeline.text.jieba_route.Lexicon",
    .tp_basicsize = sizeof(Lexicon),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "jieba's dictionary as a hash table of words and their prefixes",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Lexicon_init,
    .tp_dealloc = (destructor)Lexicon_dealloc,
    .tp_methods = Lexicon_methods,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "jieba_route", "jieba's best route in C (see segmenter.py)", -1, NULL,
};

PyMODINIT_FUNC PyInit_jieba_route(void) {
    if (PyType_Ready(&LexiconType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    Py_INCREF(&LexiconType);
    if (PyModule_AddObject(m, "Lexicon", (PyObject *)&LexiconType) < 0) {
        Py_DECREF(&LexiconType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
