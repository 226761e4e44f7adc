/*
 * ae: the convolutional auto-encoder of Bergmann et al. ("Improving
 * Unsupervised Defect Segmentation by Applying Structural Similarity to
 * Autoencoders", VISAPP 2019; also the MVTec AD paper, CVPR 2019).
 *
 * Encoder for 128x128 patches, w the first-layer width (32), z the latent
 * size (100), every layer LeakyReLU(0.2) except the latent (linear):
 *   conv 4x4/2 -> w, 4x4/2 -> w, 3x3/1 -> w, 4x4/2 -> 2w, 3x3/1 -> 2w,
 *   4x4/2 -> 4w, 3x3/1 -> 2w, 3x3/1 -> w, P/16 x P/16 valid -> z.
 * (4x4/2 layers pad 1, 3x3/1 layers pad 1.)  The decoder mirrors it with
 * transposed convolutions, layer by layer, back to the input size; its
 * last layer has a sigmoid.  The 256 variant (down = 5) adds one more
 * 4x4/2 -> w layer after the second, mirrored in the decoder, and by
 * default a latent of 500.  The patch must be a multiple of 2^down; the
 * latent layer's kernel is patch / 2^down.
 *
 * Memory (CONVENTIONS section 12): one contiguous parameter buffer, each
 * tensor starting on a 64-byte boundary, in the order of the model file
 * (so saving and loading are one block); grad, m and v in the same layout.
 * Activations and workspaces are allocated once, in ae_init(), for a
 * maximum batch; training and inference never allocate.
 *
 * Parallelism: data-parallel "lanes", one thread each, each running the
 * whole network on a contiguous share of the batch with single-threaded
 * sgemm (OpenBLAS's own threads are switched off: one level of
 * parallelism), so im2col, activations and SSIM run in parallel too.
 * Lane gradients are summed in lane order, so results are bit-for-bit the
 * same for a given seed, batch and thread count.
 */
#ifndef LK_NN_AE_H
#define LK_NN_AE_H

#include <stddef.h>

#include "model.h"
#include "nn/adam.h"
#include "nn/conv.h"

#define AE_MAXL 24		/* layers, both halves */
#define AE_MAX_PATCH 1024
#define AE_MAX_WIDTH 1024
#define AE_MAX_LATENT 65536
#define AE_MAX_THREADS 64
#define AE_ERRLEN 256

struct ae_config {
	int patch;	/* input side, a multiple of 2^down */
	int channels;	/* 1 grey or 3 RGB */
	int width;	/* first-layer width */
	int latent;	/* latent size */
	int down;	/* stride-2 layers per half: 4 (128 variant), 5 (256) */
};

struct ae_layer {
	struct nn_conv c;
	int h, w;		/* input side */
	int oh, ow;		/* output side */
	long woff, boff;	/* weights and bias offsets in params */
	int packed;		/* weights also in packed, at woff */
	char name[16];		/* "enc1", ..., "dec1" */
};

struct ae_lane {
	int b0, nb;		/* this lane's share of the current batch */
	float *act[AE_MAXL + 1];	/* act[0] input, act[l + 1] output of
				 * layer l; each (C, nb, h, w) */
	float *d0, *d1;		/* gradient ping-pong, largest activation */
	float *ws;		/* im2col workspace (wsn floats) */
	size_t wsn;
	float *lws;		/* SSIM workspace */
	float *grad;		/* (nparams) own gradient; lane 0: ae.grad */
	double loss;
};

struct ae {
	struct ae_config cfg;
	int nl;			/* layers */
	struct ae_layer L[AE_MAXL];
	long nparams;		/* floats in params, padding included */
	float *params;		/* (nparams); after writing it directly,
				 * call ae_params_changed() */
	float *grad, *m, *v;	/* (nparams) each */
	float *packed;		/* (nparams) weights laid out for the
				 * forward kernels (nn_conv_pack) */
	long gen, packed_gen;	/* params' version, and packed's */
	int sub;		/* samples a lane runs through the whole
				 * network at a time in ae_forward */
	struct nn_adam opt;	/* defaults of nn_adam_init() */
	long step;		/* Adam steps taken */
	int bmax;		/* largest batch */
	int nthreads;		/* lanes */
	struct ae_lane lane[AE_MAX_THREADS];
	/* the current batch, for the lane threads */
	const float *bx;	/* (B, C, P, P) input */
	float *by;		/* (B, C, P, P) output, or NULL */
	int B;
	double wl2;		/* loss weight of L2 (SSIM gets 1 - wl2) */
};

/* Fill cfg with the defaults for a patch side: 128 -> down 4, latent
 * 100; 256 and above -> down 5, latent 500; width 32, channels 1. */
void ae_config_default(struct ae_config *cfg, int patch);

/* 0 if cfg describes a buildable network, else -1 with err filled. */
int ae_config_check(const struct ae_config *cfg, char *err, size_t errlen);

/*
 * Build the network for batches of up to bmax samples run on nthreads
 * lanes; allocates everything (parameters zero: see ae_init_params).
 * 0, or -1 with err filled (bad configuration, out of memory); on failure
 * nothing needs freeing.
 */
int ae_init(struct ae *a, const struct ae_config *cfg, int bmax,
    int nthreads, char *err, size_t errlen);

void ae_free(struct ae *a);

/*
 * Random initial weights from seed: He-uniform for LeakyReLU(0.2),
 * U(-b, b) with b = sqrt(6 / ((1 + 0.2^2) fan_in)), fan_in the inputs one
 * output sees (IC k^2 for a convolution, IC k^2 / s^2 for a transposed
 * one); biases zero.  Resets the optimiser state.
 */
void ae_init_params(struct ae *a, unsigned long seed);

/*
 * Reconstruct B <= bmax samples: x, y (B, C, P, P).  Each lane takes its
 * samples through the whole network a->sub at a time, so a layer reads
 * its input from the cache the previous layer wrote it to, with the
 * weights packed once per change of the parameters.
 */
void ae_forward(struct ae *a, int B, const float *x, float *y);

/* Tell the network that a->params was written directly (ae_init_params,
 * ae_load_params and ae_update do it themselves). */
void ae_params_changed(struct ae *a);

/*
 * Loss (wl2 L2 + (1 - wl2) (1 - SSIM), see nn_loss_mix) of B samples
 * x (B, C, P, P) against their reconstruction, and its gradient in
 * a->grad (overwritten).  Returns the loss.
 */
double ae_loss_grad(struct ae *a, int B, const float *x, double wl2);

/* The same loss without the gradient (validation). */
double ae_loss(struct ae *a, int B, const float *x, double wl2);

/* One Adam step from a->grad with a->opt; a->step counts them. */
void ae_update(struct ae *a);

/* ae_loss_grad then ae_update: one training step.  Returns the loss. */
double ae_train_step(struct ae *a, int B, const float *x, double wl2);

/* Multiply-adds x 2 of one sample's forward pass. */
double ae_flops(const struct ae *a);

/*
 * Run fn(ctx, lane, nlanes) once on every lane's thread (lane 0 on the
 * caller's) and wait for all: the tools' per-window work (residual maps)
 * shares the network's one level of parallelism.
 */
void ae_parallel(struct ae *a, void (*fn)(void *ctx, int lane, int nlanes),
    void *ctx);

/*
 * The parameter tensors in model-file form, two per layer in buffer order:
 * "<layer>.w" (OC, IC, K, K) for a convolution, (IC, OC, K, K) for a
 * transposed one, and "<layer>.b" (OC); offsets index a->params.  t holds
 * 2 * AE_MAXL entries.  Returns the count.
 */
int ae_tensors(const struct ae *a, struct model_tensor *t);

/* Append the architecture keys (arch, patch, channels, width, latent,
 * down) to *meta.  0, or -1 when out of memory. */
int ae_meta_arch(const struct ae_config *cfg, char **meta);

/* The architecture recorded in model metadata.  0, or -1 with err. */
int ae_config_from_meta(const char *meta, struct ae_config *cfg, char *err,
    size_t errlen);

/*
 * Copy the parameters of a model read with model_read() into a, which must
 * have been built with the model's configuration: every tensor must be
 * present with the right shape.  0, or -1 with err filled.
 */
int ae_load_params(struct ae *a, const struct model *m, char *err,
    size_t errlen);

#endif
