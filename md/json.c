/*
 * json.c -- recursive-descent JSON reader (see json.h).
 *
 * Grammar (RFC 8259):
 *   value  = object | array | string | number | true | false | null
 *   object = '{' [ string ':' value { ',' string ':' value } ] '}'
 *   array  = '[' [ value { ',' value } ] ']'
 *   number = [ '-' ] ( '0' | digit1-9 { digit } ) [ '.' digit { digit } ]
 *            [ ( 'e' | 'E' ) [ '+' | '-' ] digit { digit } ]
 * plus the NaN / Infinity / -Infinity literals that Python's json writes.
 *
 * Trade-offs: the whole tree is built in memory (uf3 models are a few MB at
 * most); arrays and objects grow by doubling; nesting is limited to
 * UFP_JSON_MAX_DEPTH levels so that hostile input cannot overflow the stack.
 * Every value is zeroed before it is filled, and counted in its parent before
 * its own parse starts, so that UfpJsonDestroy frees a half-built tree after
 * an error.
 */
#include "json.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UFP_JSON_MAX_DEPTH 256

typedef struct {
  const char *text;
  size_t length, pos;
  int line, column;
  const char *source;
} JsonParser;

static UfpErrorCode parser_error(const JsonParser *p, int src_line, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* UFP_ERR_INPUT with the "source:line:column: " prefix. */
static UfpErrorCode parser_error(const JsonParser *p, int src_line, const char *func, const char *fmt, ...)
{
  char what[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  return UfpErrorSet(UFP_ERR_INPUT, __FILE__, src_line, func, "%s:%d:%d: %s", p->source, p->line, p->column,
                     what);
}
#define ParserError(p, ...) parser_error((p), __LINE__, __func__, __VA_ARGS__)

/* A printable description of the next character, for messages. */
static const char *found(const JsonParser *p, char *buf, size_t size)
{
  if (p->pos >= p->length) return "end of input";
  unsigned char c = (unsigned char)p->text[p->pos];
  if (c >= 0x20 && c < 0x7f)
    snprintf(buf, size, "'%c'", c);
  else
    snprintf(buf, size, "byte 0x%02x", c);
  return buf;
}

static int peek(const JsonParser *p) { return p->pos < p->length ? (unsigned char)p->text[p->pos] : -1; }

static void advance(JsonParser *p)
{
  if (p->pos >= p->length) return;
  if (p->text[p->pos] == '\n') {
    p->line++;
    p->column = 1;
  } else {
    p->column++;
  }
  p->pos++;
}

static void skip_space(JsonParser *p)
{
  for (int c = peek(p); c == ' ' || c == '\t' || c == '\n' || c == '\r'; c = peek(p))
    advance(p);
}

/* Consume the literal word if the text continues with it. */
static int take_word(JsonParser *p, const char *word)
{
  size_t n = strlen(word);
  if (p->length - p->pos < n || strncmp(p->text + p->pos, word, n) != 0) return 0;
  for (size_t i = 0; i < n; i++)
    advance(p);
  return 1;
}

static void free_value(UfpJson *v)
{
  if (!v) return;
  for (int i = 0; i < v->n; i++) {
    free_value(&v->items[i]);
    if (v->keys) free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
  free(v->string);
  memset(v, 0, sizeof *v);
}

/* ----------------------------------------------------------------- strings */

typedef struct {
  char *data;
  size_t len, cap;
} Buffer;

static UfpErrorCode buffer_put(Buffer *b, const char *bytes, size_t n)
{
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 32;
    while (b->len + n + 1 > cap)
      cap *= 2;
    UfpCall(UfpRealloc(cap, &b->data));
    b->cap = cap;
  }
  memcpy(b->data + b->len, bytes, n);
  b->len += n;
  b->data[b->len] = '\0';
  return UFP_SUCCESS;
}

static UfpErrorCode buffer_put_utf8(Buffer *b, uint32_t cp)
{
  char out[4];
  size_t n;
  if (cp < 0x80) {
    out[0] = (char)cp;
    n = 1;
  } else if (cp < 0x800) {
    out[0] = (char)(0xc0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3f));
    n = 2;
  } else if (cp < 0x10000) {
    out[0] = (char)(0xe0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[2] = (char)(0x80 | (cp & 0x3f));
    n = 3;
  } else {
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    n = 4;
  }
  return buffer_put(b, out, n);
}

/* Four hex digits after "\u". */
static UfpErrorCode parse_hex4(JsonParser *p, uint32_t *value)
{
  char buf[32];
  *value = 0;
  for (int i = 0; i < 4; i++) {
    int c = peek(p);
    uint32_t digit;
    if (c >= '0' && c <= '9')
      digit = (uint32_t)(c - '0');
    else if (c >= 'a' && c <= 'f')
      digit = (uint32_t)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      digit = (uint32_t)(c - 'A' + 10);
    else
      return ParserError(p, "expected four hexadecimal digits after \\u, found %s",
                         found(p, buf, sizeof buf));
    *value = *value * 16 + digit;
    advance(p);
  }
  return UFP_SUCCESS;
}

/* A string starting at the opening quote; *out is malloc'ed. */
static UfpErrorCode parse_string_raw(JsonParser *p, char **out)
{
  Buffer b = {NULL, 0, 0};
  UfpErrorCode ierr = UFP_SUCCESS;
  char buf[32];

  *out = NULL;
  advance(p); /* the opening quote */
  ierr = buffer_put(&b, "", 0);
  while (!ierr) {
    int c = peek(p);
    if (c < 0) {
      ierr = ParserError(p, "unterminated string: expected '\"', found end of input");
    } else if (c == '"') {
      advance(p);
      break;
    } else if (c < 0x20) {
      ierr = ParserError(p, "control character (byte 0x%02x) inside a string: escape it", (unsigned)c);
    } else if (c == '\\') {
      advance(p);
      int e = peek(p);
      const char *simple = NULL;
      switch (e) {
      case '"':
        simple = "\"";
        break;
      case '\\':
        simple = "\\";
        break;
      case '/':
        simple = "/";
        break;
      case 'b':
        simple = "\b";
        break;
      case 'f':
        simple = "\f";
        break;
      case 'n':
        simple = "\n";
        break;
      case 'r':
        simple = "\r";
        break;
      case 't':
        simple = "\t";
        break;
      default:
        break;
      }
      if (simple) {
        advance(p);
        ierr = buffer_put(&b, simple, 1);
      } else if (e == 'u') {
        uint32_t cp, low;
        advance(p);
        ierr = parse_hex4(p, &cp);
        if (!ierr && cp >= 0xdc00 && cp <= 0xdfff)
          ierr = ParserError(p, "unpaired low surrogate \\u%04X", cp);
        if (!ierr && cp >= 0xd800 && cp <= 0xdbff) {
          if (!take_word(p, "\\u")) {
            ierr = ParserError(p, "expected \\u escape of a low surrogate after \\u%04X", cp);
          } else {
            ierr = parse_hex4(p, &low);
            if (!ierr && (low < 0xdc00 || low > 0xdfff))
              ierr = ParserError(p, "expected a low surrogate after \\u%04X, found \\u%04X", cp, low);
            if (!ierr) cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          }
        }
        if (!ierr) ierr = buffer_put_utf8(&b, cp);
      } else {
        ierr = ParserError(p,
                           "invalid escape in string: expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u, "
                           "found %s",
                           found(p, buf, sizeof buf));
      }
    } else {
      char ch = (char)c;
      advance(p);
      ierr = buffer_put(&b, &ch, 1);
    }
  }
  if (ierr) {
    free(b.data);
    UfpCall(ierr);
  }
  *out = b.data;
  return UFP_SUCCESS;
}

/* ----------------------------------------------------------------- numbers */

static int is_digit(int c) { return c >= '0' && c <= '9'; }

static UfpErrorCode parse_number(JsonParser *p, UfpJson *v)
{
  char buf[32];
  size_t start = p->pos;
  int line = p->line, column = p->column;

  if (peek(p) == '-') advance(p);
  if (take_word(p, "Infinity")) {
    v->type = UFP_JSON_NUMBER;
    v->number = p->text[start] == '-' ? -HUGE_VAL : HUGE_VAL;
    return UFP_SUCCESS;
  }
  if (peek(p) == '0') {
    advance(p);
  } else if (is_digit(peek(p))) {
    while (is_digit(peek(p)))
      advance(p);
  } else {
    return ParserError(p, "expected a digit in a number, found %s", found(p, buf, sizeof buf));
  }
  if (peek(p) == '.') {
    advance(p);
    if (!is_digit(peek(p)))
      return ParserError(p, "expected a digit after the decimal point, found %s", found(p, buf, sizeof buf));
    while (is_digit(peek(p)))
      advance(p);
  }
  if (peek(p) == 'e' || peek(p) == 'E') {
    advance(p);
    if (peek(p) == '+' || peek(p) == '-') advance(p);
    if (!is_digit(peek(p)))
      return ParserError(p, "expected a digit in the exponent, found %s", found(p, buf, sizeof buf));
    while (is_digit(peek(p)))
      advance(p);
  }
  /* The text need not be NUL-terminated after the number: copy it. */
  size_t n = p->pos - start;
  char small[128], *copy = small;
  if (n + 1 > sizeof small) UfpCall(UfpCalloc(n + 1, &copy));
  memcpy(copy, p->text + start, n);
  copy[n] = '\0';
  errno = 0;
  v->number = strtod(copy, NULL);
  int range = errno == ERANGE && (v->number == HUGE_VAL || v->number == -HUGE_VAL);
  if (copy != small) free(copy);
  if (range) {
    p->line = line;
    p->column = column;
    return ParserError(p, "number out of the range of a double");
  }
  v->type = UFP_JSON_NUMBER;
  return UFP_SUCCESS;
}

/* ------------------------------------------------------------------ values */

static UfpErrorCode parse_value(JsonParser *p, UfpJson *v, int depth);

/* Make room for one more item (and key) in an array or object. */
static UfpErrorCode grow(UfpJson *v, int *cap, int with_keys)
{
  if (v->n < *cap) return UFP_SUCCESS;
  int newcap = *cap ? 2 * *cap : 8;
  UfpCall(UfpRealloc(newcap, &v->items));
  memset(v->items + *cap, 0, (size_t)(newcap - *cap) * sizeof *v->items);
  if (with_keys) {
    UfpCall(UfpRealloc(newcap, &v->keys));
    memset(v->keys + *cap, 0, (size_t)(newcap - *cap) * sizeof *v->keys);
  }
  *cap = newcap;
  return UFP_SUCCESS;
}

static UfpErrorCode parse_array(JsonParser *p, UfpJson *v, int depth)
{
  char buf[32];
  int cap = 0;
  v->type = UFP_JSON_ARRAY;
  advance(p); /* '[' */
  skip_space(p);
  if (peek(p) == ']') {
    advance(p);
    return UFP_SUCCESS;
  }
  for (;;) {
    UfpCall(grow(v, &cap, 0));
    v->n++;
    UfpCall(parse_value(p, &v->items[v->n - 1], depth + 1));
    skip_space(p);
    if (peek(p) == ',') {
      advance(p);
      skip_space(p);
    } else if (peek(p) == ']') {
      advance(p);
      return UFP_SUCCESS;
    } else {
      return ParserError(p, "expected ',' or ']' in an array, found %s", found(p, buf, sizeof buf));
    }
  }
}

static UfpErrorCode parse_object(JsonParser *p, UfpJson *v, int depth)
{
  char buf[32];
  int cap = 0;
  v->type = UFP_JSON_OBJECT;
  advance(p); /* '{' */
  skip_space(p);
  if (peek(p) == '}') {
    advance(p);
    return UFP_SUCCESS;
  }
  for (;;) {
    if (peek(p) != '"')
      return ParserError(p, "expected a member name in double quotes, found %s", found(p, buf, sizeof buf));
    UfpCall(grow(v, &cap, 1));
    char *key;
    UfpCall(parse_string_raw(p, &key));
    v->keys[v->n] = key;
    v->n++;
    skip_space(p);
    if (peek(p) != ':')
      return ParserError(p, "expected ':' after member name \"%s\", found %s", key,
                         found(p, buf, sizeof buf));
    advance(p);
    skip_space(p);
    UfpCall(parse_value(p, &v->items[v->n - 1], depth + 1));
    skip_space(p);
    if (peek(p) == ',') {
      advance(p);
      skip_space(p);
    } else if (peek(p) == '}') {
      advance(p);
      return UFP_SUCCESS;
    } else {
      return ParserError(p, "expected ',' or '}' in an object, found %s", found(p, buf, sizeof buf));
    }
  }
}

static UfpErrorCode parse_value(JsonParser *p, UfpJson *v, int depth)
{
  char buf[32];
  memset(v, 0, sizeof *v);
  v->line = p->line;
  v->column = p->column;
  if (depth > UFP_JSON_MAX_DEPTH) return ParserError(p, "nesting deeper than %d levels", UFP_JSON_MAX_DEPTH);
  int c = peek(p);
  switch (c) {
  case '{':
    UfpCall(parse_object(p, v, depth));
    return UFP_SUCCESS;
  case '[':
    UfpCall(parse_array(p, v, depth));
    return UFP_SUCCESS;
  case '"':
    v->type = UFP_JSON_STRING;
    UfpCall(parse_string_raw(p, &v->string));
    return UFP_SUCCESS;
  default:
    break;
  }
  if (c == '-' || is_digit(c)) {
    UfpCall(parse_number(p, v));
    return UFP_SUCCESS;
  }
  if (take_word(p, "true")) {
    v->type = UFP_JSON_TRUE;
  } else if (take_word(p, "false")) {
    v->type = UFP_JSON_FALSE;
  } else if (take_word(p, "null")) {
    v->type = UFP_JSON_NULL;
  } else if (take_word(p, "NaN")) {
    v->type = UFP_JSON_NUMBER;
    v->number = NAN;
  } else if (take_word(p, "Infinity")) {
    v->type = UFP_JSON_NUMBER;
    v->number = HUGE_VAL;
  } else {
    return ParserError(p,
                       "expected a JSON value (object, array, string, number, true, false or null), found %s",
                       found(p, buf, sizeof buf));
  }
  return UFP_SUCCESS;
}

UfpErrorCode UfpJsonParse(const char *text, size_t length, const char *source, UfpJson **root)
{
  char buf[32];
  JsonParser p = {text, length, 0, 1, 1, source ? source : "(JSON text)"};
  UfpJson *v;

  *root = NULL;
  UfpCall(UfpCalloc(1, &v));
  skip_space(&p);
  UfpErrorCode ierr = parse_value(&p, v, 0);
  if (!ierr) {
    skip_space(&p);
    if (p.pos < p.length)
      ierr =
          ParserError(&p, "expected end of input after the JSON value, found %s", found(&p, buf, sizeof buf));
  }
  if (ierr) {
    UfpJsonDestroy(&v);
    UfpCall(ierr);
  }
  *root = v;
  return UFP_SUCCESS;
}

UfpErrorCode UfpJsonParseFile(const char *path, UfpJson **root)
{
  char *text = NULL;
  size_t len = 0, cap = 0;
  FILE *fp = fopen(path, "rb");

  *root = NULL;
  UfpCheck(fp, UFP_ERR_IO, "cannot open %s: %s", path, strerror(errno));
  for (;;) {
    if (len + 4096 > cap) {
      cap = cap ? 2 * cap : 65536;
      UfpErrorCode ierr = UfpRealloc(cap, &text);
      if (ierr) {
        fclose(fp);
        free(text);
        UfpCall(ierr);
      }
    }
    size_t got = fread(text + len, 1, cap - len, fp);
    len += got;
    if (got == 0) break;
  }
  int bad = ferror(fp);
  fclose(fp);
  if (bad) {
    free(text);
    UfpCheck(0, UFP_ERR_IO, "read error in %s", path);
  }
  UfpErrorCode ierr = UfpJsonParse(text, len, path, root);
  free(text);
  UfpCall(ierr);
  return UFP_SUCCESS;
}

UfpErrorCode UfpJsonDestroy(UfpJson **root)
{
  if (!root || !*root) return UFP_SUCCESS;
  free_value(*root);
  free(*root);
  *root = NULL;
  return UFP_SUCCESS;
}

const UfpJson *UfpJsonGet(const UfpJson *object, const char *key)
{
  if (!object || object->type != UFP_JSON_OBJECT) return NULL;
  for (int i = 0; i < object->n; i++)
    if (strcmp(object->keys[i], key) == 0) return &object->items[i];
  return NULL;
}

const char *UfpJsonTypeName(UfpJsonType type)
{
  switch (type) {
  case UFP_JSON_NULL:
    return "null";
  case UFP_JSON_FALSE:
    return "false";
  case UFP_JSON_TRUE:
    return "true";
  case UFP_JSON_NUMBER:
    return "number";
  case UFP_JSON_STRING:
    return "string";
  case UFP_JSON_ARRAY:
    return "array";
  case UFP_JSON_OBJECT:
    return "object";
  }
  return "unknown";
}
