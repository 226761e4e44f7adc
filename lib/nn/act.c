/*
 * act: activations and the bias (see act.h).  Plain loops over contiguous
 * rows; memory-bound, so one pass per layer does bias and activation.
 */
#include <math.h>
#include <stddef.h>

#include "nn/act.h"

void
nn_act_forward(enum nn_act a, int C, long n, const float *bias, float *y)
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
				y[i] = 1 / (1 + expf(-(y[i] + b)));
			break;
		}
	}
}

void
nn_act_backward(enum nn_act a, long n, const float *y, float *dy)
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
nn_bias_backward(int C, long n, const float *dy, float *db)
{
	double s;
	long i;
	int c;

	for (c = 0; c < C; c++, dy += n) {
		s = 0;
		for (i = 0; i < n; i++)
			s += dy[i];
		db[c] += (float)s;
	}
}
