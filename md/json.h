/*
 * json.h -- a small JSON reader (RFC 8259), enough for uf3 model files.
 *
 * The whole document is parsed into a tree of UfpJson values.  Every value
 * remembers the line and column where it starts, so that callers can name the
 * place of a value that is well-formed JSON but wrong for them.  Numbers are
 * doubles (strtod); Python's json module also writes NaN, Infinity and
 * -Infinity, which are accepted (callers reject non-finite numbers where they
 * matter).  Strings are UTF-8 with escapes decoded (\uXXXX included).
 * Syntax errors are UFP_ERR_INPUT with "source:line:column: what was expected".
 */
#ifndef UFP_JSON_H
#define UFP_JSON_H

#include <stddef.h>

#include "ufp_error.h"

typedef enum {
  UFP_JSON_NULL,
  UFP_JSON_FALSE,
  UFP_JSON_TRUE,
  UFP_JSON_NUMBER,
  UFP_JSON_STRING,
  UFP_JSON_ARRAY,
  UFP_JSON_OBJECT
} UfpJsonType;

typedef struct UfpJson {
  UfpJsonType type;
  double number;         /* UFP_JSON_NUMBER */
  char *string;          /* UFP_JSON_STRING, NUL-terminated */
  int n;                 /* number of items (array) or members (object) */
  struct UfpJson *items; /* n values: array elements or object member values */
  char **keys;           /* object: n member names, in file order */
  int line, column;      /* 1-based position where the value starts */
} UfpJson;

/* Parse length bytes of text; source names it in error messages. */
UfpErrorCode UfpJsonParse(const char *text, size_t length, const char *source, UfpJson **root);
/* Read and parse a file (UFP_ERR_IO when it cannot be read). */
UfpErrorCode UfpJsonParseFile(const char *path, UfpJson **root);
/* Free a tree returned by the parsers; accepts NULL and sets *root = NULL. */
UfpErrorCode UfpJsonDestroy(UfpJson **root);
/* Member of an object by name (the first one if repeated); NULL if absent or
 * if object is not an object. */
const UfpJson *UfpJsonGet(const UfpJson *object, const char *key);
/* "null", "number", "object", ... */
const char *UfpJsonTypeName(UfpJsonType type);

#endif
