/*
 * crc32: table-driven CRC-32 (one byte per step; model files are small, so
 * slicing-by-8 would buy nothing measurable).
 */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "crc32.h"

/* The 256-entry table, built once on first use (thread-safe). */
static uint32_t crc32_table[256];
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
		crc32_table[i] = c;
	}
}

uint32_t
crc32_update(uint32_t crc, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	pthread_once(&crc32_once, crc32_init);
	crc = ~crc;
	while (n-- > 0)
		crc = crc32_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}
