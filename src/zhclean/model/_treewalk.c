/* The tree walk of `zhclean.model.trees`, compiled: every row down every tree, one leaf each.

   leaves(x, depth, feature, threshold, default_left, leaf_value, out)

   The trees are complete binary trees of one depth (`TreeEnsemble._levels`: a leaf above the
   bottom copied into every leaf below it). Tree t's inner node p (level order: children
   2p + 1 and 2p + 2) is entry t * (2**depth - 1) + p of the node tables; the child c on the
   last level is the leaf c - (2**depth - 1), entry t * 2**depth + that of `leaf_value`.

   x:            float32 or float64 [rows, columns], C-contiguous
   depth:        int, 0 to 20
   feature:      int32 [trees * (2**depth - 1)]  the column the node splits on
   threshold:    [same], of x's type  go left when the value is <= it (float32: the largest
                 float32 at or below the float64 threshold, `TreeEnsemble._thresholds32`),
   default_left: bool [same]     ... and, where set, when the value is NaN
   leaf_value:   float64 [trees * 2**depth]
   out:          float64 [rows, trees], written: the value of the leaf each row reaches

   The caller sums `out` per class with numpy, as the array walk does, so both give the same
   floats; with the thresholds in x's type, a comparison answers as numpy's does. The
   tables are checked first (every column in range, every table of its size), so a malformed
   model folder raises ValueError instead of reading out of bounds. Runs without the GIL. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    Py_buffer view;
    int held;
} Buf;

static void release(Buf *b, int n) {
    for (int i = 0; i < n; i++)
        if (b[i].held) PyBuffer_Release(&b[i].view);
}

/* A C-contiguous buffer of `ndim` dimensions of one of the item `formats` (an optional
   native byte-order prefix is skipped), of `itemsize` bytes unless that is 0 ('f' and 'd'
   are 4 and 8 bytes wherever Python runs). */
static int get(PyObject *obj, Buf *b, const char *name, int ndim, const char *formats, Py_ssize_t itemsize,
               int writable) {
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, &b->view, flags) < 0) return -1;
    b->held = 1;
    const char *fmt = b->view.format ? b->view.format : "B";
    if (*fmt == '<' || *fmt == '=' || *fmt == '@' || *fmt == '|') fmt++;
    if (b->view.ndim != ndim || (itemsize && b->view.itemsize != itemsize) || strlen(fmt) != 1 ||
        !strchr(formats, *fmt)) {
        PyErr_Format(PyExc_ValueError, "%s: expected a C-contiguous %d-dimensional array of '%s' items", name,
                     ndim, formats);
        return -1;
    }
    return 0;
}

#if defined(__GNUC__) || defined(__clang__)
#define INLINE inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define INLINE __forceinline
#else
#define INLINE inline
#endif

/* Rows descended together, one level at a time: their walks are independent, so the CPU
   overlaps them, and no branch depends on the data. */
#define BLOCK 256

/* The walk for one type of x and thresholds (`single`: float32), with or without NaN in x:
   inlined with constant arguments, so each of the four is compiled on its own. */
static INLINE void walk(const void *xv, const void *thv, int single, int nan, Py_ssize_t rows,
                        Py_ssize_t columns, Py_ssize_t trees, int depth, const int32_t *feature,
                        const char *default_left, const double *leaf_value, double *out) {
    const Py_ssize_t width = ((Py_ssize_t)1 << depth) - 1;
    int32_t node[BLOCK];
    for (Py_ssize_t t = 0; t < trees; t++) {
        const int32_t *f = feature + t * width;
        const char *dl = default_left + t * width;
        const float *th32 = (const float *)thv + t * width;
        const double *th64 = (const double *)thv + t * width;
        const double *lv = leaf_value + (t << depth);
        for (Py_ssize_t r0 = 0; r0 < rows; r0 += BLOCK) {
            const Py_ssize_t n = rows - r0 < BLOCK ? rows - r0 : BLOCK;
            const float *x32 = (const float *)xv + r0 * columns;
            const double *x64 = (const double *)xv + r0 * columns;
            for (Py_ssize_t k = 0; k < n; k++) node[k] = 0;
            for (int level = 0; level < depth; level++) {
                for (Py_ssize_t k = 0; k < n; k++) {
                    const int32_t p = node[k];
                    const Py_ssize_t at = k * columns + f[p];
                    /* right unless the value is <= the threshold, or NaN where NaN goes left */
                    int32_t right;
                    if (single) {
                        const float v = x32[at];
                        right = !(v <= th32[p]);
                        if (nan) right &= !(dl[p] & (v != v));
                    } else {
                        const double v = x64[at];
                        right = !(v <= th64[p]);
                        if (nan) right &= !(dl[p] & (v != v));
                    }
                    node[k] = 2 * p + 1 + right;
                }
            }
            for (Py_ssize_t k = 0; k < n; k++) out[(r0 + k) * trees + t] = lv[node[k] - width];
        }
    }
}

static PyObject *leaves(PyObject *self, PyObject *args) {
    PyObject *o[6];
    int depth;
    (void)self;
    if (!PyArg_ParseTuple(args, "OiOOOOO", &o[0], &depth, &o[1], &o[2], &o[3], &o[4], &o[5])) return NULL;
    Buf b[6];
    memset(b, 0, sizeof b);
    if (get(o[0], &b[0], "x", 2, "fd", 0, 0) < 0) {
        release(b, 1);
        return NULL;
    }
    const int single = b[0].view.itemsize == 4;
    if (get(o[1], &b[1], "feature", 1, "il", 4, 0) < 0 ||
        get(o[2], &b[2], "threshold", 1, single ? "f" : "d", single ? 4 : 8, 0) < 0 ||
        get(o[3], &b[3], "default_left", 1, "?", 1, 0) < 0 ||
        get(o[4], &b[4], "leaf_value", 1, "d", 8, 0) < 0 ||
        get(o[5], &b[5], "out", 2, "d", 8, 1) < 0) {
        release(b, 6);
        return NULL;
    }
    const Py_ssize_t rows = b[0].view.shape[0], columns = b[0].view.shape[1];
    const Py_ssize_t trees = b[5].view.shape[1];
    const Py_ssize_t width = depth >= 0 && depth <= 20 ? ((Py_ssize_t)1 << depth) - 1 : -1;
    const int32_t *feature = b[1].view.buf;
    const char *default_left = b[3].view.buf;
    const char *problem = NULL;
    if (width < 0)
        problem = "depth is out of range";
    else if (b[1].view.shape[0] != trees * (width ? width : 1) || b[2].view.shape[0] != b[1].view.shape[0] ||
             b[3].view.shape[0] != b[1].view.shape[0])
        problem = "the node tables are not [trees * (2**depth - 1)]";
    else if (b[4].view.shape[0] != trees << depth)
        problem = "the leaf table is not [trees * 2**depth]";
    else if (b[5].view.shape[0] != rows)
        problem = "out is not [rows, trees]";
    for (Py_ssize_t i = 0; !problem && width && i < b[1].view.shape[0]; i++)
        if (feature[i] < 0 || feature[i] >= columns) problem = "a node splits on a column x does not have";
    if (problem) {
        PyErr_SetString(PyExc_ValueError, problem);
        release(b, 6);
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    const void *x = b[0].view.buf, *threshold = b[2].view.buf;
    const double *leaf_value = b[4].view.buf;
    double *out = b[5].view.buf;
    int nan = 0;
    for (Py_ssize_t i = 0; !nan && i < rows * columns; i++)
        nan = single ? ((const float *)x)[i] != ((const float *)x)[i] : ((const double *)x)[i] != ((const double *)x)[i];
    if (single && nan)
        walk(x, threshold, 1, 1, rows, columns, trees, depth, feature, default_left, leaf_value, out);
    else if (single)
        walk(x, threshold, 1, 0, rows, columns, trees, depth, feature, default_left, leaf_value, out);
    else if (nan)
        walk(x, threshold, 0, 1, rows, columns, trees, depth, feature, default_left, leaf_value, out);
    else
        walk(x, threshold, 0, 0, rows, columns, trees, depth, feature, default_left, leaf_value, out);
    Py_END_ALLOW_THREADS
    release(b, 6);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"leaves", leaves, METH_VARARGS,
     "leaves(x, depth, feature, threshold, default_left, leaf_value, out): out[r, t] = the value of the leaf "
     "row r of x reaches in tree t of complete trees of this depth."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_treewalk",
                                    "The compiled tree walk of zhclean.model.trees.", -1, methods};

PyMODINIT_FUNC PyInit__treewalk(void) { return PyModule_Create(&module); }
