/*
 * sha256.h -- SHA-256 message digests (FIPS 180-4), for input checksums in
 * the provenance of every output file.
 *
 * One-shot:   UfpSha256(data, n, digest)
 * Streaming:  UfpSha256Context ctx; UfpSha256Init(&ctx);
 *             UfpSha256Update(&ctx, part, n) ...; UfpSha256Final(&ctx, digest)
 * Files:      UfpSha256File(path, hex) -> 64 lowercase hex digits + NUL
 * Large files: UfpSha256FileSampled(path, limit, nblocks, block, hex): files
 *             of more than `limit` bytes get the digest of the file size
 *             (8 bytes, little-endian) followed by nblocks blocks of `block`
 *             bytes at the offsets
 *                 o_k = floor(k (size - block) / (nblocks - 1)),  k = 0..nblocks-1
 *             (first and last bytes always included).  It identifies a file
 *             of many GB in a fraction of a second but does not cover every
 *             byte; smaller files are hashed whole.
 *
 * The context is a plain struct so it can live on the stack; its fields are
 * private to sha256.c.
 */
#ifndef UFP_SHA256_H
#define UFP_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "ufp_error.h"

#define UFP_SHA256_DIGEST_SIZE 32
#define UFP_SHA256_HEX_SIZE 65 /* 64 hex digits and the terminating NUL */

typedef struct {
  uint32_t H[8];           /* intermediate hash value H^(i) */
  uint64_t nbytes;         /* message length so far, bytes */
  unsigned char block[64]; /* pending partial block */
  size_t nblock;           /* bytes used in block */
} UfpSha256Context;

void UfpSha256Init(UfpSha256Context *ctx);
void UfpSha256Update(UfpSha256Context *ctx, const void *data, size_t n);
/* Pad, finish and write the 32-byte digest; the context must be re-initialised
 * before it is used again. */
void UfpSha256Final(UfpSha256Context *ctx, unsigned char out[32]);

void UfpSha256(const void *data, size_t n, unsigned char out[32]);
/* Lowercase hexadecimal form of a digest (64 digits + NUL). */
void UfpSha256Hex(const unsigned char digest[32], char hex[65]);
/* Digest of a whole file, read in blocks; UFP_ERR_IO if it cannot be read.
 * Not collective: call it on one rank and broadcast the result. */
UfpErrorCode UfpSha256File(const char *path, char hex[65]);
/* The sampled digest above; sampled is set to 1 when the file was larger
 * than limit (else the plain digest of the file is returned);
 * limit >= nblocks * block. */
UfpErrorCode UfpSha256FileSampled(const char *path, uint64_t limit, int nblocks, size_t block, char hex[65],
                                  int *sampled);

#endif
