/*
 * test_sha256.c -- SHA-256 against the FIPS 180-4 example vectors (NIST
 * "Examples with intermediate values", SHA256.pdf) and the long-message
 * vector of one million 'a', one-shot, streamed in odd pieces, and from a
 * file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "test_util.h"

static void check_hex(const void *data, size_t n, const char *expected)
{
  unsigned char digest[32];
  char hex[65];
  UfpSha256(data, n, digest);
  UfpSha256Hex(digest, hex);
  assert_string_equal(hex, expected);
}

static void test_abc(void **state)
{
  (void)state;
  check_hex("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_empty(void **state)
{
  (void)state;
  check_hex("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* 448 bits: the padding needs a second block. */
static void test_two_blocks(void **state)
{
  (void)state;
  const char *msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  assert_int_equal(strlen(msg) * 8, 448);
  check_hex(msg, strlen(msg), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static const char *million_a = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

static void test_million_a(void **state)
{
  (void)state;
  size_t n = 1000000;
  char *msg = malloc(n);
  assert_non_null(msg);
  memset(msg, 'a', n);
  check_hex(msg, n, million_a);

  /* Streaming in pieces of 1, 2, ..., 127 bytes crosses every block offset. */
  UfpSha256Context ctx;
  unsigned char digest[32];
  char hex[65];
  UfpSha256Init(&ctx);
  size_t done = 0;
  for (size_t piece = 1; done < n; piece = piece % 127 + 1) {
    size_t take = piece < n - done ? piece : n - done;
    UfpSha256Update(&ctx, msg + done, take);
    done += take;
  }
  UfpSha256Final(&ctx, digest);
  UfpSha256Hex(digest, hex);
  assert_string_equal(hex, million_a);
  free(msg);
}

/* Lengths around the 55/56/64-byte padding boundaries: one-shot equals
 * byte-by-byte streaming. */
static void test_padding_boundaries(void **state)
{
  (void)state;
  unsigned char msg[130], one[32], streamed[32];
  for (size_t k = 0; k < sizeof msg; k++) msg[k] = (unsigned char)(k * 7 + 3);
  for (size_t n = 50; n <= sizeof msg; n++) {
    UfpSha256Context ctx;
    UfpSha256(msg, n, one);
    UfpSha256Init(&ctx);
    for (size_t k = 0; k < n; k++) UfpSha256Update(&ctx, msg + k, 1);
    UfpSha256Final(&ctx, streamed);
    assert_memory_equal(one, streamed, 32);
  }
}

static void test_file(void **state)
{
  (void)state;
  const char *path = ufp_test_tmp("sha256_million_a.txt");
  FILE *fp = fopen(path, "wb");
  assert_non_null(fp);
  char line[1000];
  memset(line, 'a', sizeof line);
  for (int k = 0; k < 1000; k++) assert_int_equal(fwrite(line, 1, sizeof line, fp), sizeof line);
  assert_int_equal(fclose(fp), 0);
  char hex[65];
  assert_ufp_ok(UfpSha256File(path, hex));
  assert_string_equal(hex, million_a);
  assert_ufp_fails(UfpSha256File(ufp_test_tmp("sha256_no_such_file"), hex), UFP_ERR_IO,
                   "cannot open");
}

/* The sampled digest is the plain digest of the 8-byte size and the blocks
 * at floor(k (size - block) / (nblocks - 1)); a change inside a sampled block
 * changes it; files no larger than the limit are hashed whole. */
static void test_file_sampled(void **state)
{
  (void)state;
  const size_t size = 100003, block = 1000;
  const int nblocks = 7;
  unsigned char *data = malloc(size), *msg = malloc(8 + nblocks * block);
  assert_non_null(data);
  assert_non_null(msg);
  for (size_t k = 0; k < size; k++) data[k] = (unsigned char)((k * 2654435761u) >> 13);
  const char *path = ufp_test_tmp("sha256_sampled.bin");
  FILE *fp = fopen(path, "wb");
  assert_non_null(fp);
  assert_int_equal(fwrite(data, 1, size, fp), size);
  assert_int_equal(fclose(fp), 0);
  for (int k = 0; k < 8; k++) msg[k] = (unsigned char)((uint64_t)size >> (8 * k));
  for (int k = 0; k < nblocks; k++) {
    size_t offset = (size_t)((double)(size - block) * k / (nblocks - 1));
    memcpy(msg + 8 + k * block, data + offset, block);
  }
  unsigned char digest[32];
  char want[65], hex[65], whole[65];
  UfpSha256(msg, 8 + nblocks * block, digest);
  UfpSha256Hex(digest, want);
  int sampled = 0;
  assert_ufp_ok(UfpSha256FileSampled(path, 50000, nblocks, block, hex, &sampled));
  assert_int_equal(sampled, 1);
  assert_string_equal(hex, want);
  /* The last byte lies in the last block. */
  data[size - 1] ^= 1;
  fp = fopen(path, "wb");
  assert_int_equal(fwrite(data, 1, size, fp), size);
  assert_int_equal(fclose(fp), 0);
  assert_ufp_ok(UfpSha256FileSampled(path, 50000, nblocks, block, hex, &sampled));
  assert_string_not_equal(hex, want);
  /* Small enough: the whole file. */
  assert_ufp_ok(UfpSha256File(path, whole));
  assert_ufp_ok(UfpSha256FileSampled(path, size, nblocks, block, hex, &sampled));
  assert_int_equal(sampled, 0);
  assert_string_equal(hex, whole);
  free(data);
  free(msg);
}

int main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_abc),
    cmocka_unit_test(test_empty),
    cmocka_unit_test(test_two_blocks),
    cmocka_unit_test(test_million_a),
    cmocka_unit_test(test_padding_boundaries),
    cmocka_unit_test(test_file),
    cmocka_unit_test(test_file_sampled),
  };
  return UFP_TEST_MAIN("sha256", tests);
}
