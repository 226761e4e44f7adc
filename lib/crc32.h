/*
 * crc32: the CRC-32 of zlib, PNG and gzip (reflected polynomial 0xEDB88320,
 * initial value and final xor 0xFFFFFFFF), so model files can be checked
 * with standard tools.  Incremental: feed crc32_update() its own result.
 */
#ifndef LK_CRC32_H
#define LK_CRC32_H

#include <stddef.h>
#include <stdint.h>

/*
 * CRC-32 of buf[0..n) continuing from crc (0 to start); the CRC of "123456789"
 * is 0xCBF43926.
 */
uint32_t crc32_update(uint32_t crc, const void *buf, size_t n);

#endif
