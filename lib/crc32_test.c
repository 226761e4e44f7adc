/*
 * crc32_test: the standard check value, the empty input, that feeding
 * the data in pieces gives the same CRC as feeding it whole, and the
 * eight-byte steps against a bit-at-a-time reference.
 */
#include <string.h>

#include "crc32.h"
#include "test.h"

/* CRC-32 one bit at a time, straight from the definition. */
static uint32_t
bitwise(const unsigned char *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	int k;

	while (n-- > 0) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
	}
	return ~c;
}

int
main(void)
{
	const char *s = "123456789";
	char big[10000];
	uint32_t whole, parts;
	size_t i;
	int same;

	t_ok(crc32_update(0, s, 9) == 0xCBF43926u, "check value of 123456789");
	t_ok(crc32_update(0, "", 0) == 0, "empty input");
	t_ok(crc32_update(0, "a", 1) == 0xE8B7BE43u, "CRC of 'a'");
	for (i = 0; i < sizeof big; i++)
		big[i] = (char)(i * 7 + i / 13);
	whole = crc32_update(0, big, sizeof big);
	parts = crc32_update(0, big, 1234);
	parts = crc32_update(parts, big + 1234, sizeof big - 1234);
	t_ok(whole == parts, "incremental CRC equals whole");
	big[5000] ^= 1;
	t_ok(crc32_update(0, big, sizeof big) != whole,
	    "one bit flip changes it");
	for (i = 0, same = 1; i < 64; i++)	/* lengths and offsets */
		same &= crc32_update(0, big + i % 8, i * 37) ==
		    bitwise((unsigned char *)big + i % 8, i * 37);
	t_ok(same, "lengths 0 to 2331 at every offset mod 8 match the "
	    "bit-at-a-time CRC");
	return t_done();
}
