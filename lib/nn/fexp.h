/*
 * fexp: e^x in float for the activations (sigmoid, tanh), inline so that
 * the element loops calling it vectorise.
 */
#ifndef LK_NN_FEXP_H
#define LK_NN_FEXP_H

#include <stdint.h>
#include <string.h>

/*
 * Written so that loops over it vectorise at -O2: x is clamped to +-87 on its bit pattern (integer
 * compares; float compares would need -fno-trapping-math to be
 * if-converted), reduced as x = n ln2 + r, |r| <= ln2/2 (Cody and Waite),
 * e^r from its degree-6 Taylor polynomial (relative error below 2e-7) and
 * 2^n built in the exponent bits; n is rounded with the 1.5 * 2^23 trick
 * of IEEE single precision.
 */
static inline float
fexp(float x)
{
	const float big = 12582912.0f;
	int32_t b, a, e;
	float n, r, p;

	memcpy(&b, &x, sizeof b);
	a = b & 0x7fffffff;
	a = a < 0x42ae0000 ? a : 0x42ae0000;	/* 87.0f */
	b = a | (int32_t)((uint32_t)b & 0x80000000u);
	memcpy(&x, &b, sizeof x);
	n = (x * 1.44269504f + big) - big;
	r = x - n * 0.693145752f - n * 1.42860677e-6f;
	p = 1.0f + r * (1.0f + r * (0.5f + r * (1.0f / 6 + r * (1.0f / 24 +
	    r * (1.0f / 120 + r * (1.0f / 720))))));
	e = ((int32_t)n + 127) * (1 << 23);
	memcpy(&x, &e, sizeof x);
	return p * x;
}

#endif
