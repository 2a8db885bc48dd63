/*
 * text_reader.h -- line-by-line reading of the text files that carry EFG
 * labels (CASTEP .magres, CP2K output and input), with "path:line:" errors.
 *
 * Each call to EfgTextNext reads one line, strips its terminator ("\n" or
 * "\r\n") and splits a copy of it into whitespace-separated tokens, so that
 * a reader can look at the tokens and still quote the original line in a
 * message.  Lifecycle: EfgTextOpen -> EfgTextNext ... -> EfgTextClose.
 *
 * Numbers: EfgTextParseReal accepts C and Fortran forms ("1.5E-3",
 * "1.5D-3", "1.5d-3"); a token that is not entirely a finite number (for
 * instance Fortran's "**********" overflow mark) is rejected.
 */
#ifndef EFG_TEXT_READER_H
#define EFG_TEXT_READER_H

#include <stdio.h>

#include "ufp_error.h"

/* Tokens kept per line; ntokens still counts all of them. */
#define EFG_TEXT_MAX_TOKENS 32

typedef struct {
  FILE *fp;
  const char *path; /* for messages; not owned */
  long line;        /* 1-based number of the current line (0 before the first) */
  char *text;       /* the current line, without its terminator */
  size_t capacity;
  char *work; /* copy of text cut into tokens */
  size_t work_capacity;
  int ntokens; /* tokens on the current line (may exceed EFG_TEXT_MAX_TOKENS) */
  char *token[EFG_TEXT_MAX_TOKENS];
} EfgTextReader;

/* Open path (an I/O error when it cannot be opened). */
UfpErrorCode EfgTextOpen(const char *path, EfgTextReader *rd);
/* Close the file and free the buffers; accepts a reader that was never opened. */
void EfgTextClose(EfgTextReader *rd);
/* Read the next line; *at_eof = 1 (and no line) at the end of the file. */
UfpErrorCode EfgTextNext(EfgTextReader *rd, int *at_eof);

/* The current line without leading blanks. */
const char *EfgTextTrimmed(const EfgTextReader *rd);

/* 1 when token is a finite real (C or Fortran exponent) / a decimal long. */
int EfgTextParseReal(const char *token, double *value);
int EfgTextParseLong(const char *token, long *value);
/* Parse tokens[first .. first+n-1] of the current line as reals; 1 on success. */
int EfgTextReals(const EfgTextReader *rd, int first, int n, double *values);

/* Case-insensitive comparison of ASCII strings: 1 when equal. */
int EfgTextSame(const char *a, const char *b);

/* The file name of path without its directory and its last extension
 * ("data/train_007.out" -> "train_007"), truncated to fit name[size]. */
void EfgTextStem(const char *path, char *name, size_t size);

/* Record UFP_ERR_INPUT as "path:line: message" (the current line). */
UfpErrorCode EfgTextError(const EfgTextReader *rd, const char *file, int line, const char *func,
                          const char *fmt, ...) __attribute__((format(printf, 5, 6)));
#define EfgTextFail(rd, ...) EfgTextError((rd), __FILE__, __LINE__, __func__, __VA_ARGS__)

#endif
