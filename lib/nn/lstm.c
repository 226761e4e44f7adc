/*
 * lstm: LSTM layers and a linear head, forward and backward through time
 * (see lstm.h).  Per layer and window, the input projections of all steps
 * are one sgemm (T, in) x (in, 4 nhid); only the recurrent product is a
 * per-step sgemv.  Backward walks the steps in reverse collecting dL/da_t,
 * then forms the weight gradients of the whole window as sgemms
 * (llm.c does the same per op; Graves 2012, ch. 4, gives the equations).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "nn/fexp.h"
#include "nn/gemm.h"
#include "nn/lstm.h"
#include "nn/simd.h"
#include "util.h"

/* splitmix64 (Steele, Lea and Flood 2014): seeds to uniform floats. */
static float
uniform(uint64_t *s, float a)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return a * (2 * (float)((double)(z >> 40) / 16777216.0) - 1);
}

/*
 * dst[j] = sigmoid(src[j]), or tanh(src[j]) = 2 sigmoid(2 src[j]) - 1
 * when tanh_ is set.  Blocks of 8 with a fixed inner count and restrict
 * pointers let the compiler vectorise at -O2; the tail runs the same code.
 */
static NN_VEC void
activate(float *restrict dst, const float *restrict src, int n, int tanh_)
{
	float k = tanh_ ? -2.0f : -1.0f, a = tanh_ ? 2.0f : 1.0f;
	float b = tanh_ ? 1.0f : 0.0f;
	int j, i;

	for (j = 0; j + 8 <= n; j += 8)
		for (i = 0; i < 8; i++)
			dst[j + i] = a / (1.0f + fexp(k * src[j + i])) - b;
	for (; j < n; j++)
		dst[j] = a / (1.0f + fexp(k * src[j])) - b;
}

int
lstm_init(struct lstm *n, int nin, int nhid, int nlayers, int nz, int nout,
    int maxT, uint64_t seed, char *err, size_t errlen)
{
	size_t H = (size_t)nhid, T = (size_t)maxT, np = 0, nact = 0, i;
	struct lstm_layer *L;
	float *p, *a, r;
	int l, in;

	memset(n, 0, sizeof *n);
	if (nin < 1 || nhid < 1 || nout < 1 || nz < 0 || maxT < 1 ||
	    nlayers < 1 || nlayers > LSTM_MAXLAYERS || nhid > 4096 ||
	    nin > 4096 || nz > 65536 || nout > 4096 || maxT > 1000000) {
		seterr(err, errlen, "bad LSTM size (in %d, hidden %d, layers %d, "
		    "head inputs %d, out %d, window %d)", nin, nhid, nlayers,
		    nz, nout, maxT);
		return -1;
	}
	for (l = 0, in = nin; l < nlayers; l++, in = nhid) {
		np += 4 * H * (size_t)in + 4 * H * H + 4 * H;
		nact += 4 * H * T + (T + 1) * H + T * H + (T + 1) * H +
		    4 * H * T + T * H;
	}
	np += (size_t)nout * (H + (size_t)nz) + (size_t)nout;
	nact += T * (H + (size_t)nz) + T * (size_t)nin + 2 * H;
	n->mem = calloc(4 * np + nact, sizeof *n->mem);
	if (n->mem == NULL) {
		seterr(err, errlen, "out of memory for the LSTM");
		return -1;
	}
	n->nin = nin;
	n->nhid = nhid;
	n->nlayers = nlayers;
	n->nz = nz;
	n->nout = nout;
	n->maxT = maxT;
	n->nparams = np;
	n->params = n->mem;
	n->grads = n->params + np;
	n->m = n->grads + np;
	n->v = n->m + np;
	p = n->params;
	a = n->v + np;
	for (l = 0, in = nin; l < nlayers; l++, in = nhid) {
		L = &n->layer[l];
		L->nin = in;
		L->wx = p;
		L->wh = L->wx + 4 * H * (size_t)in;
		L->b = L->wh + 4 * H * H;
		p = L->b + 4 * H;
		L->gwx = n->grads + (L->wx - n->params);
		L->gwh = n->grads + (L->wh - n->params);
		L->gb = n->grads + (L->b - n->params);
		L->gate = a;
		L->c = L->gate + 4 * H * T;
		L->tc = L->c + (T + 1) * H;
		L->h = L->tc + T * H;
		L->da = L->h + (T + 1) * H;
		L->dh = L->da + 4 * H * T;
		a = L->dh + T * H;
	}
	n->wo = p;
	n->bo = n->wo + (size_t)nout * (H + (size_t)nz);
	n->gwo = n->grads + (n->wo - n->params);
	n->gbo = n->grads + (n->bo - n->params);
	n->hz = a;
	n->x = n->hz + T * (H + (size_t)nz);
	n->dnext = n->x + T * (size_t)nin;
	r = 1 / sqrtf((float)nhid);
	for (i = 0; i < (size_t)(n->wo - n->params); i++)
		n->params[i] = uniform(&seed, r);
	for (l = 0; l < nlayers; l++)
		for (i = 0; i < H; i++)
			n->layer[l].b[H + i] = 1;	/* forget gate */
	r = 1 / sqrtf((float)(nhid + nz));
	for (i = (size_t)(n->wo - n->params); i < np; i++)
		n->params[i] = uniform(&seed, r);
	return 0;
}

void
lstm_free(struct lstm *n)
{
	free(n->mem);
	memset(n, 0, sizeof *n);
}

void
lstm_reset(struct lstm *n)
{
	size_t H = (size_t)n->nhid;
	int l;

	for (l = 0; l < n->nlayers; l++) {
		memset(n->layer[l].h, 0, H * sizeof(float));
		memset(n->layer[l].c, 0, H * sizeof(float));
	}
	n->T = 0;
}

void
lstm_get_state(const struct lstm *n, float *s)
{
	size_t H = (size_t)n->nhid, T = (size_t)n->T;
	int l;

	for (l = 0; l < n->nlayers; l++) {
		memcpy(s + 2 * H * (size_t)l, n->layer[l].h + T * H,
		    H * sizeof *s);
		memcpy(s + 2 * H * (size_t)l + H, n->layer[l].c + T * H,
		    H * sizeof *s);
	}
}

void
lstm_set_state(struct lstm *n, const float *s)
{
	size_t H = (size_t)n->nhid;
	int l;

	for (l = 0; l < n->nlayers; l++) {
		memcpy(n->layer[l].h, s + 2 * H * (size_t)l, H * sizeof *s);
		memcpy(n->layer[l].c, s + 2 * H * (size_t)l + H,
		    H * sizeof *s);
	}
	n->T = 0;
}

void
lstm_zero_grad(struct lstm *n)
{
	memset(n->grads, 0, n->nparams * sizeof *n->grads);
}

void
lstm_forward(struct lstm *n, const float *x, const float *z, int T,
    float *out)
{
	int H = n->nhid, G = 4 * n->nhid, HZ = n->nhid + n->nz, l, t, j, in;
	struct lstm_layer *L;
	const float *inp;
	float *a, *g, *cp, *cn, *hn, *tc;

	for (l = 0; l < n->nlayers; l++) {	/* carry the state on */
		L = &n->layer[l];
		if (n->T > 0) {
			memcpy(L->h, L->h + (size_t)n->T * (size_t)H,
			    (size_t)H * sizeof *L->h);
			memcpy(L->c, L->c + (size_t)n->T * (size_t)H,
			    (size_t)H * sizeof *L->c);
		}
	}
	n->T = T;
	memcpy(n->x, x, (size_t)T * (size_t)n->nin * sizeof *x);
	inp = n->x;
	for (l = 0; l < n->nlayers; l++) {
		L = &n->layer[l];
		in = L->nin;
		/* a_t = Wx x_t + b for every step at once */
		nn_gemm(0, 1, T, G, in, 1, inp, in, L->wx, in, 0, L->da, G);
		for (t = 0; t < T; t++) {
			a = L->da + (size_t)t * (size_t)G;
			g = L->gate + (size_t)t * (size_t)G;
			cp = L->c + (size_t)t * (size_t)H;
			cn = cp + H;
			hn = L->h + (size_t)(t + 1) * (size_t)H;
			cblas_sgemv(CblasRowMajor, CblasNoTrans, G, H, 1, L->wh,
			    H, L->h + (size_t)t * (size_t)H, 1, 1, a, 1);
			for (j = 0; j < G; j++)
				a[j] += L->b[j];
			activate(g, a, 2 * H, 0);		/* i, f */
			activate(g + 2 * H, a + 2 * H, H, 1);	/* g */
			activate(g + 3 * H, a + 3 * H, H, 0);	/* o */
			for (j = 0; j < H; j++)
				cn[j] = g[H + j] * cp[j] + g[j] * g[2 * H + j];
			tc = L->tc + (size_t)t * (size_t)H;
			activate(tc, cn, H, 1);
			for (j = 0; j < H; j++)
				hn[j] = g[3 * H + j] * tc[j];
		}
		inp = L->h + H;
	}
	for (t = 0; t < T; t++) {
		memcpy(n->hz + (size_t)t * (size_t)HZ, inp + (size_t)t *
		    (size_t)H, (size_t)H * sizeof *inp);
		if (n->nz > 0)
			memcpy(n->hz + (size_t)t * (size_t)HZ + H, z +
			    (size_t)t * (size_t)n->nz, (size_t)n->nz *
			    sizeof *z);
	}
	nn_gemm(0, 1, T, n->nout, HZ, 1, n->hz, HZ, n->wo, HZ, 0, out,
	    n->nout);
	for (t = 0; t < T; t++)
		for (j = 0; j < n->nout; j++)
			out[(size_t)t * (size_t)n->nout + (size_t)j] += n->bo[j];
}

/*
 * One step back through the cell: from dL/dh_t (dh from above plus dhn
 * from the next step) and dL/dc_t (dcn from the next step) to dL/da_t for
 * the gates i, f, g, o into d (4 H); dcn becomes dL/dc_{t-1}.
 */
static NN_VEC void
gate_grads(float *restrict d, const float *restrict g,
    const float *restrict tc, const float *restrict cp,
    const float *restrict dhup, const float *restrict dhn,
    float *restrict dcn, int H)
{
	float dh, dc;
	int j;

	for (j = 0; j < H; j++) {
		dh = dhup[j] + dhn[j];
		dc = dh * g[3 * H + j] * (1 - tc[j] * tc[j]) + dcn[j];
		d[j] = dc * g[2 * H + j] * g[j] * (1 - g[j]);
		d[H + j] = dc * cp[j] * g[H + j] * (1 - g[H + j]);
		d[2 * H + j] = dc * g[j] * (1 - g[2 * H + j] * g[2 * H + j]);
		d[3 * H + j] = dh * tc[j] * g[3 * H + j] * (1 - g[3 * H + j]);
		dcn[j] = dc * g[H + j];
	}
}

void
lstm_backward(struct lstm *n, const float *dout)
{
	int H = n->nhid, G = 4 * n->nhid, HZ = n->nhid + n->nz, T = n->T;
	int O = n->nout, l, t, j, in;
	float *dhn = n->dnext, *dcn = n->dnext + H, *d;
	const float *inp;
	struct lstm_layer *L;

	/* head: gWo += dout' [h; z], gbo += sum dout, dh_top = dout Wo_h */
	nn_gemm(1, 0, O, HZ, T, 1, dout, O, n->hz, HZ, 1, n->gwo, HZ);
	for (t = 0; t < T; t++)
		for (j = 0; j < O; j++)
			n->gbo[j] += dout[(size_t)t * (size_t)O + (size_t)j];
	L = &n->layer[n->nlayers - 1];
	nn_gemm(0, 0, T, H, O, 1, dout, O, n->wo, HZ, 0, L->dh, H);
	for (l = n->nlayers - 1; l >= 0; l--) {
		L = &n->layer[l];
		in = L->nin;
		memset(dhn, 0, 2 * (size_t)H * sizeof *dhn);
		for (t = T - 1; t >= 0; t--) {
			d = L->da + (size_t)t * (size_t)G;
			gate_grads(d, L->gate + (size_t)t * (size_t)G,
			    L->tc + (size_t)t * (size_t)H, L->c + (size_t)t *
			    (size_t)H, L->dh + (size_t)t * (size_t)H, dhn, dcn, H);
			if (t > 0)
				cblas_sgemv(CblasRowMajor, CblasTrans, G, H, 1,
				    L->wh, H, d, 1, 0, dhn, 1);
		}
		inp = l == 0 ? n->x : n->layer[l - 1].h + H;
		nn_gemm(1, 0, G, H, T, 1, L->da, G, L->h, H, 1, L->gwh, H);
		nn_gemm(1, 0, G, in, T, 1, L->da, G, inp, in, 1, L->gwx, in);
		for (t = 0; t < T; t++)
			for (j = 0; j < G; j++)
				L->gb[j] += L->da[(size_t)t * (size_t)G +
				    (size_t)j];
		if (l > 0)
			nn_gemm(0, 0, T, H, G, 1, L->da, G, L->wx, in, 0,
			    n->layer[l - 1].dh, H);
	}
}
