/*
 * text_reader.c -- line reader with tokens and "path:line:" errors for the
 * EFG label files (see text_reader.h).
 *
 * getline() grows the line buffer as needed, so there is no line-length
 * limit; the token copy grows with it.  Only the first EFG_TEXT_MAX_TOKENS
 * tokens are kept (the label formats need at most 12 per line), but all are
 * counted, so a reader can still refuse a line with too many fields.
 */
#include "text_reader.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

UfpErrorCode EfgTextOpen(const char *path, EfgTextReader *rd)
{
  memset(rd, 0, sizeof *rd);
  rd->path = path;
  rd->fp = fopen(path, "r");
  UfpCheck(rd->fp, UFP_ERR_IO, "cannot open %s for reading: %s", path, strerror(errno));
  return UFP_SUCCESS;
}

void EfgTextClose(EfgTextReader *rd)
{
  if (rd->fp) fclose(rd->fp);
  free(rd->text); /* allocated by getline */
  UfpFree(&rd->work);
  memset(rd, 0, sizeof *rd);
}

/* Cut the work copy into tokens. */
static void split(EfgTextReader *rd)
{
  char *p = rd->work;
  rd->ntokens = 0;
  for (;;) {
    while (*p && isspace((unsigned char)*p))
      p++;
    if (!*p) break;
    if (rd->ntokens < EFG_TEXT_MAX_TOKENS) rd->token[rd->ntokens] = p;
    rd->ntokens++;
    while (*p && !isspace((unsigned char)*p))
      p++;
    if (*p) *p++ = '\0';
  }
  for (int k = rd->ntokens; k < EFG_TEXT_MAX_TOKENS; k++)
    rd->token[k] = NULL;
}

UfpErrorCode EfgTextNext(EfgTextReader *rd, int *at_eof)
{
  errno = 0;
  ssize_t len = getline(&rd->text, &rd->capacity, rd->fp);
  if (len < 0) {
    UfpCheck(errno != ENOMEM, UFP_ERR_INTERNAL, "%s: out of memory reading line %ld", rd->path, rd->line + 1);
    UfpCheck(!ferror(rd->fp), UFP_ERR_IO, "%s: read error after line %ld: %s", rd->path, rd->line,
             strerror(errno));
    *at_eof = 1;
    rd->ntokens = 0;
    return UFP_SUCCESS;
  }
  *at_eof = 0;
  rd->line++;
  while (len > 0 && (rd->text[len - 1] == '\n' || rd->text[len - 1] == '\r'))
    rd->text[--len] = '\0';
  if ((size_t)len + 1 > rd->work_capacity) {
    UfpCall(UfpRealloc((size_t)len + 1, &rd->work));
    rd->work_capacity = (size_t)len + 1;
  }
  memcpy(rd->work, rd->text, (size_t)len + 1);
  split(rd);
  return UFP_SUCCESS;
}

const char *EfgTextTrimmed(const EfgTextReader *rd)
{
  const char *p = rd->text ? rd->text : "";
  while (*p && isspace((unsigned char)*p))
    p++;
  return p;
}

int EfgTextParseReal(const char *token, double *value)
{
  char copy[128], *end;
  size_t len;
  if (!token || !*token) return 0;
  len = strlen(token);
  if (len >= sizeof copy) return 0;
  memcpy(copy, token, len + 1);
  for (size_t k = 0; k < len; k++) /* Fortran double-precision exponent */
    if (copy[k] == 'd' || copy[k] == 'D') copy[k] = 'e';
  errno = 0;
  *value = strtod(copy, &end);
  return *end == '\0' && isfinite(*value) && errno != ERANGE;
}

int EfgTextParseLong(const char *token, long *value)
{
  char *end;
  if (!token || !*token) return 0;
  errno = 0;
  *value = strtol(token, &end, 10);
  return *end == '\0' && errno != ERANGE;
}

int EfgTextReals(const EfgTextReader *rd, int first, int n, double *values)
{
  if (first < 0 || first + n > rd->ntokens || first + n > EFG_TEXT_MAX_TOKENS) return 0;
  for (int k = 0; k < n; k++)
    if (!EfgTextParseReal(rd->token[first + k], &values[k])) return 0;
  return 1;
}

int EfgTextSame(const char *a, const char *b)
{
  for (; *a && *b; a++, b++)
    if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
  return *a == *b;
}

void EfgTextStem(const char *path, char *name, size_t size)
{
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strrchr(base, '.');
  size_t len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
  if (size == 0) return;
  if (len >= size) len = size - 1;
  memcpy(name, base, len);
  name[len] = '\0';
}

UfpErrorCode EfgTextError(const EfgTextReader *rd, const char *file, int line, const char *func,
                          const char *fmt, ...)
{
  char what[1536];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  return UfpErrorSet(UFP_ERR_INPUT, file, line, func, "%s:%ld: %s", rd->path, rd->line, what);
}
