/*
 * crc32: table-driven CRC-32, slicing by 8 (Kounavis and Berry): eight
 * bytes per step through eight tables.  Every PNG an image tool reads has
 * its chunks checked, and a byte at a time took 0.8 ms of a DAGM image's
 * 48 ms in ae-score.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "crc32.h"

/* t[0] is the byte table; t[k][i] is byte i followed by k zero bytes.
 * Built once on first use (thread-safe). */
static uint32_t t[8][256];
static pthread_once_t crc32_once = PTHREAD_ONCE_INIT;

static void
crc32_init(void)
{
	uint32_t c;
	int i, k;

	for (i = 0; i < 256; i++) {
		c = (uint32_t)i;
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		t[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (k = 1; k < 8; k++)
			t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
}

/* Four bytes from p, little-endian whatever the host. */
static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

uint32_t
crc32_update(uint32_t crc, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	uint32_t lo, hi;

	pthread_once(&crc32_once, crc32_init);
	crc = ~crc;
	for (; n >= 8; n -= 8, p += 8) {
		lo = crc ^ le32(p);
		hi = le32(p + 4);
		crc = t[7][lo & 0xff] ^ t[6][lo >> 8 & 0xff] ^
		    t[5][lo >> 16 & 0xff] ^ t[4][lo >> 24] ^ t[3][hi & 0xff] ^
		    t[2][hi >> 8 & 0xff] ^ t[1][hi >> 16 & 0xff] ^ t[0][hi >> 24];
	}
	while (n-- > 0)
		crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}
