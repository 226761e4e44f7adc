/*
 * act: activations and the bias (see act.h).  Plain loops over contiguous
 * rows; memory-bound, so one pass per layer does bias and activation.
 */
#include <stddef.h>

#include "nn/act.h"
#include "nn/fexp.h"
#include "nn/simd.h"

NN_VEC static void
nn_act_forward_v(enum nn_act a, int C, long n, const float *bias, float *y)
{
	float b, v;
	long i;
	int c;

	for (c = 0; c < C; c++, y += n) {
		b = bias != NULL ? bias[c] : 0;
		switch (a) {
		case NN_ACT_NONE:
			if (b != 0)
				for (i = 0; i < n; i++)
					y[i] += b;
			break;
		case NN_ACT_LRELU:
			for (i = 0; i < n; i++) {
				v = y[i] + b;
				y[i] = v > 0 ? v : NN_LRELU_SLOPE * v;
			}
			break;
		case NN_ACT_SIGMOID:
			for (i = 0; i < n; i++)
				y[i] = 1 / (1 + fexp(-(y[i] + b)));
			break;
		}
	}
}

void
nn_act_forward(enum nn_act a, int C, long n, const float *bias, float *y)
{
	nn_act_forward_v(a, C, n, bias, y);
}

NN_VEC static void
nn_act_backward_v(enum nn_act a, long n, const float *y, float *dy)
{
	long i;

	switch (a) {
	case NN_ACT_NONE:
		break;
	case NN_ACT_LRELU:
		for (i = 0; i < n; i++)
			dy[i] *= y[i] > 0 ? 1 : NN_LRELU_SLOPE;
		break;
	case NN_ACT_SIGMOID:
		for (i = 0; i < n; i++)
			dy[i] *= y[i] * (1 - y[i]);
		break;
	}
}

void
nn_act_backward(enum nn_act a, long n, const float *y, float *dy)
{
	nn_act_backward_v(a, n, y, dy);
}

/* Sum of n floats: 16 float lanes (vectorisable), added up in double. */
NN_VEC static double
sum16(long n, const float *v)
{
	float acc[16] = { 0 };
	double s = 0;
	long i;
	int j;

	for (i = 0; i + 16 <= n; i += 16)
		for (j = 0; j < 16; j++)
			acc[j] += v[i + j];
	for (; i < n; i++)
		s += v[i];
	for (j = 0; j < 16; j++)
		s += acc[j];
	return s;
}

void
nn_bias_backward(int C, long n, const float *dy, float *db)
{
	const long blk = 4096;	/* float partial sums over short runs */
	double s;
	long i;
	int c;

	for (c = 0; c < C; c++, dy += n) {
		s = 0;
		for (i = 0; i < n; i += blk)
			s += sum16(n - i < blk ? n - i : blk, dy + i);
		db[c] += (float)s;
	}
}

/* dy (n) *= act'(y) and return its sum, in float runs of 16 lanes. */
NN_VEC static double
act_sum(enum nn_act a, long n, const float *y, float *dy)
{
	float acc[16] = { 0 };
	double s = 0;
	long i;
	int j;

	for (i = 0; i + 16 <= n; i += 16)
		for (j = 0; j < 16; j++) {
			float d = dy[i + j], v = y[i + j];

			d *= a == NN_ACT_LRELU ? (v > 0 ? 1 : NN_LRELU_SLOPE) :
			    a == NN_ACT_SIGMOID ? v * (1 - v) : 1;
			dy[i + j] = d;
			acc[j] += d;
		}
	for (; i < n; i++) {
		float d = dy[i], v = y[i];

		d *= a == NN_ACT_LRELU ? (v > 0 ? 1 : NN_LRELU_SLOPE) :
		    a == NN_ACT_SIGMOID ? v * (1 - v) : 1;
		dy[i] = d;
		s += d;
	}
	for (j = 0; j < 16; j++)
		s += acc[j];
	return s;
}

void
nn_act_bias_backward(enum nn_act a, int C, long n, const float *y,
    float *dy, float *db)
{
	const long blk = 4096;	/* float partial sums over short runs */
	double s;
	long i;
	int c;

	for (c = 0; c < C; c++, y += n, dy += n) {
		s = 0;
		for (i = 0; i < n; i += blk)
			s += act_sum(a, n - i < blk ? n - i : blk, y + i,
			    dy + i);
		db[c] += (float)s;
	}
}
