/*
 * error.c -- the error record behind UfpCall/UfpCheck (see ufp_error.h).
 *
 * One record per process: the code and message of the innermost failure plus
 * a traceback that grows by one line per UfpCall level on the way out.  The
 * record is plain process state because ufp-nmr is MPI-parallel, not
 * threaded: every rank keeps its own.
 */
#include "ufp_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UFP_ERROR_MESSAGE_MAX 2048
#define UFP_ERROR_TRACE_MAX 4096

static char error_message[UFP_ERROR_MESSAGE_MAX];
static char error_trace[UFP_ERROR_TRACE_MAX];

const char *UfpErrorName(UfpErrorCode code)
{
  switch (code) {
  case UFP_SUCCESS: return "success";
  case UFP_ERR_USAGE: return "usage error";
  case UFP_ERR_INPUT: return "bad input";
  case UFP_ERR_INTERNAL: return "internal error";
  case UFP_ERR_IO: return "I/O error";
  case UFP_ERR_INTERRUPTED: return "interrupted (checkpoint written)";
  }
  return "unknown error";
}

static void trace_append(const char *file, int line, const char *func)
{
  size_t used = strlen(error_trace);
  const char *base = strrchr(file, '/');
  base = base ? base + 1 : file;
  if (used + 1 < sizeof error_trace)
    snprintf(error_trace + used, sizeof error_trace - used, "  at %s:%d (%s)\n", base, line, func);
}

UfpErrorCode UfpErrorSet(UfpErrorCode code, const char *file, int line, const char *func,
                         const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(error_message, sizeof error_message, fmt, ap);
  va_end(ap);
  error_trace[0] = '\0';
  trace_append(file, line, func);
  return code;
}

UfpErrorCode UfpErrorTrace(UfpErrorCode code, const char *file, int line, const char *func)
{
  trace_append(file, line, func);
  return code;
}

const char *UfpErrorMessage(void) { return error_message; }
const char *UfpErrorTraceback(void) { return error_trace; }

void UfpErrorClear(void)
{
  error_message[0] = '\0';
  error_trace[0] = '\0';
}

UfpErrorCode UfpCallocBytes(size_t n, size_t size, void **ptr, const char *file, int line,
                            const char *func)
{
  *ptr = NULL;
  if (n == 0) return UFP_SUCCESS;
  *ptr = calloc(n, size);
  if (!*ptr)
    return UfpErrorSet(UFP_ERR_INTERNAL, file, line, func, "out of memory allocating %zu x %zu bytes",
                       n, size);
  return UFP_SUCCESS;
}

UfpErrorCode UfpReallocBytes(size_t n, size_t size, void **ptr, const char *file, int line,
                             const char *func)
{
  if (n == 0) {
    free(*ptr);
    *ptr = NULL;
    return UFP_SUCCESS;
  }
  void *grown = realloc(*ptr, n * size);
  if (!grown)
    return UfpErrorSet(UFP_ERR_INTERNAL, file, line, func,
                       "out of memory reallocating %zu x %zu bytes", n, size);
  *ptr = grown;
  return UFP_SUCCESS;
}

void UfpFreeBytes(void **ptr)
{
  if (ptr) {
    free(*ptr);
    *ptr = NULL;
  }
}
