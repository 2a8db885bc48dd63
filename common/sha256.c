/*
 * sha256.c -- SHA-256 as specified in FIPS 180-4 (Secure Hash Standard,
 * NIST, August 2015), sections 4.1.2, 4.2.2, 5.1.1, 5.3.3 and 6.2.
 *
 * The message is padded with a single 1 bit, then zeros, then its length in
 * bits as a 64-bit big-endian integer, to a multiple of 512 bits.  Each
 * 512-bit block M^(i) (sixteen big-endian 32-bit words) updates the eight
 * word hash value H^(i-1) -> H^(i):
 *
 *   message schedule  W_t = M_t                                    0 <= t < 16
 *                     W_t = s1(W_{t-2}) + W_{t-7} + s0(W_{t-15}) + W_{t-16}
 *                                                                 16 <= t < 64
 *   64 rounds         T1 = h + S1(e) + Ch(e,f,g) + K_t + W_t
 *                     T2 = S0(a) + Maj(a,b,c)
 *                     h=g g=f f=e e=d+T1 d=c c=b b=a a=T1+T2
 *   then              H_j^(i) = (a..h)_j + H_j^(i-1)
 *
 * with (ROTR = rotate right, SHR = shift right, all arithmetic mod 2^32)
 *   Ch(x,y,z)  = (x AND y) XOR (NOT x AND z)
 *   Maj(x,y,z) = (x AND y) XOR (x AND z) XOR (y AND z)
 *   S0(x) = ROTR2(x)  ^ ROTR13(x) ^ ROTR22(x)    S1(x) = ROTR6(x) ^ ROTR11(x) ^ ROTR25(x)
 *   s0(x) = ROTR7(x)  ^ ROTR18(x) ^ SHR3(x)      s1(x) = ROTR17(x) ^ ROTR19(x) ^ SHR10(x)
 *
 * K_t are the first 32 bits of the fractional parts of the cube roots of the
 * first 64 primes, H^(0) those of the square roots of the first 8 primes.
 * The digest is H^(N) written as big-endian words.
 *
 * The streaming context buffers a partial block, so Update may be called
 * with pieces of any size; the result equals the one-shot digest.  Speed is
 * not a concern here (a few hundred MB/s is ample for input checksums).
 */
#include "sha256.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint32_t K[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static const uint32_t H0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

static uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
static uint32_t Ch(uint32_t x, uint32_t y, uint32_t z) { return (x & y) ^ (~x & z); }
static uint32_t Maj(uint32_t x, uint32_t y, uint32_t z) { return (x & y) ^ (x & z) ^ (y & z); }
static uint32_t S0(uint32_t x) { return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22); }
static uint32_t S1(uint32_t x) { return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25); }
static uint32_t s0(uint32_t x) { return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3); }
static uint32_t s1(uint32_t x) { return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10); }

/* One 64-byte block M^(i): H^(i-1) -> H^(i) (FIPS 180-4 section 6.2.2). */
static void compress(uint32_t H[8], const unsigned char M[64])
{
  uint32_t W[64];
  for (int t = 0; t < 16; t++)
    W[t] = (uint32_t)M[4 * t] << 24 | (uint32_t)M[4 * t + 1] << 16 | (uint32_t)M[4 * t + 2] << 8 |
           (uint32_t)M[4 * t + 3];
  for (int t = 16; t < 64; t++) W[t] = s1(W[t - 2]) + W[t - 7] + s0(W[t - 15]) + W[t - 16];

  uint32_t a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
  for (int t = 0; t < 64; t++) {
    uint32_t T1 = h + S1(e) + Ch(e, f, g) + K[t] + W[t];
    uint32_t T2 = S0(a) + Maj(a, b, c);
    h = g;
    g = f;
    f = e;
    e = d + T1;
    d = c;
    c = b;
    b = a;
    a = T1 + T2;
  }
  H[0] += a;
  H[1] += b;
  H[2] += c;
  H[3] += d;
  H[4] += e;
  H[5] += f;
  H[6] += g;
  H[7] += h;
}

void UfpSha256Init(UfpSha256Context *ctx)
{
  memcpy(ctx->H, H0, sizeof ctx->H);
  ctx->nbytes = 0;
  ctx->nblock = 0;
}

void UfpSha256Update(UfpSha256Context *ctx, const void *data, size_t n)
{
  const unsigned char *bytes = data;
  ctx->nbytes += n;
  if (ctx->nblock > 0) {
    size_t take = 64 - ctx->nblock < n ? 64 - ctx->nblock : n;
    memcpy(ctx->block + ctx->nblock, bytes, take);
    ctx->nblock += take;
    bytes += take;
    n -= take;
    if (ctx->nblock < 64) return;
    compress(ctx->H, ctx->block);
    ctx->nblock = 0;
  }
  for (; n >= 64; n -= 64, bytes += 64) compress(ctx->H, bytes);
  memcpy(ctx->block, bytes, n);
  ctx->nblock = n;
}

void UfpSha256Final(UfpSha256Context *ctx, unsigned char out[32])
{
  uint64_t nbits = ctx->nbytes * 8;
  /* Padding (section 5.1.1): 0x80, zeros to 56 mod 64, 64-bit length. */
  ctx->block[ctx->nblock++] = 0x80;
  if (ctx->nblock > 56) {
    memset(ctx->block + ctx->nblock, 0, 64 - ctx->nblock);
    compress(ctx->H, ctx->block);
    ctx->nblock = 0;
  }
  memset(ctx->block + ctx->nblock, 0, 56 - ctx->nblock);
  for (int k = 0; k < 8; k++) ctx->block[56 + k] = (unsigned char)(nbits >> (56 - 8 * k));
  compress(ctx->H, ctx->block);
  for (int j = 0; j < 8; j++)
    for (int k = 0; k < 4; k++) out[4 * j + k] = (unsigned char)(ctx->H[j] >> (24 - 8 * k));
  ctx->nblock = 0;
}

void UfpSha256(const void *data, size_t n, unsigned char out[32])
{
  UfpSha256Context ctx;
  UfpSha256Init(&ctx);
  UfpSha256Update(&ctx, data, n);
  UfpSha256Final(&ctx, out);
}

void UfpSha256Hex(const unsigned char digest[32], char hex[65])
{
  static const char digits[] = "0123456789abcdef";
  for (int k = 0; k < 32; k++) {
    hex[2 * k] = digits[digest[k] >> 4];
    hex[2 * k + 1] = digits[digest[k] & 0xf];
  }
  hex[64] = '\0';
}

UfpErrorCode UfpSha256File(const char *path, char hex[65])
{
  unsigned char buffer[1 << 16], digest[32];
  UfpSha256Context ctx;
  FILE *fp = fopen(path, "rb");
  UfpCheck(fp, UFP_ERR_IO, "cannot open %s to compute its SHA-256: %s", path, strerror(errno));
  UfpSha256Init(&ctx);
  size_t got;
  while ((got = fread(buffer, 1, sizeof buffer, fp)) > 0) UfpSha256Update(&ctx, buffer, got);
  int failed = ferror(fp);
  fclose(fp);
  UfpCheck(!failed, UFP_ERR_IO, "read error in %s while computing its SHA-256", path);
  UfpSha256Final(&ctx, digest);
  UfpSha256Hex(digest, hex);
  return UFP_SUCCESS;
}

UfpErrorCode UfpSha256FileSampled(const char *path, uint64_t limit, int nblocks, size_t block, char hex[65],
                                  int *sampled)
{
  UfpCheck(nblocks >= 2 && block >= 1 && limit >= (uint64_t)nblocks * block, UFP_ERR_INTERNAL,
           "sampled SHA-256 with %d blocks of %zu bytes above %llu bytes", nblocks, block, (unsigned long long)limit);
  FILE *fp = fopen(path, "rb");
  UfpCheck(fp, UFP_ERR_IO, "cannot open %s to compute its SHA-256: %s", path, strerror(errno));
  int failed = fseeko(fp, 0, SEEK_END);
  const off_t size = failed ? 0 : ftello(fp);
  *sampled = !failed && size > 0 && (uint64_t)size > limit;
  if (!*sampled) {
    fclose(fp);
    UfpCheck(!failed, UFP_ERR_IO, "cannot find the size of %s: %s", path, strerror(errno));
    UfpCall(UfpSha256File(path, hex));
    return UFP_SUCCESS;
  }
  unsigned char *buffer = malloc(block), digest[32], le[8];
  if (!buffer) {
    fclose(fp);
    UfpCheck(0, UFP_ERR_INTERNAL, "no memory for a %zu-byte block", block);
  }
  UfpSha256Context ctx;
  UfpSha256Init(&ctx);
  for (int k = 0; k < 8; k++) le[k] = (unsigned char)((uint64_t)size >> (8 * k));
  UfpSha256Update(&ctx, le, sizeof le);
  /* floor(span k / (n - 1)) without overflow: span = q (n - 1) + r. */
  const uint64_t span = (uint64_t)size - block, n1 = (uint64_t)(nblocks - 1), q = span / n1, r = span % n1;
  for (int k = 0; k < nblocks && !failed; k++) {
    const uint64_t offset = q * (uint64_t)k + r * (uint64_t)k / n1;
    failed = fseeko(fp, (off_t)offset, SEEK_SET) != 0 || fread(buffer, 1, block, fp) != block;
    if (!failed) UfpSha256Update(&ctx, buffer, block);
  }
  fclose(fp);
  free(buffer);
  UfpCheck(!failed, UFP_ERR_IO, "read error in %s while computing its sampled SHA-256", path);
  UfpSha256Final(&ctx, digest);
  UfpSha256Hex(digest, hex);
  return UFP_SUCCESS;
}
