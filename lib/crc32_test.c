/*
 * crc32_test: the standard check value, the empty input, and that feeding
 * the data in pieces gives the same CRC as feeding it whole.
 */
#include <string.h>

#include "crc32.h"
#include "test.h"

int
main(void)
{
	const char *s = "123456789";
	char big[10000];
	uint32_t whole, parts;
	size_t i;

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
	return t_done();
}
