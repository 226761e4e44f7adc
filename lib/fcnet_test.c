/*
 * fcnet_test: the forecaster learns (a noisy seasonal series: better than
 * the naive forecast; a target that is half a biased covariate: better
 * than the covariate itself), is deterministic for a seed, survives the
 * model file round trip bit for bit (and a damaged file is refused),
 * continues from a warm start, and copes with an all-zero series; a too
 * short series is refused.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fcfile.h"
#include "fcnet.h"
#include "test.h"

#define N 150

static uint64_t rs = 2463534242ULL;

static double
noise(void)
{
	double s = 0;
	int i;

	for (i = 0; i < 12; i++) {	/* Irwin-Hall: about N(0, 1) */
		rs ^= rs << 13;
		rs ^= rs >> 7;
		rs ^= rs << 17;
		s += (double)(rs >> 11) / 9007199254740992.0;
	}
	return s - 6;
}

int
main(void)
{
	static double y[N + 12], c[N + 12], z[N];
	double out[12], out2[12], q[24], e_m = 0, e_n = 0, e_c = 0;
	char err[256], path[] = "/tmp/fcnet_testXXXXXX";
	struct fc_model m, m2;
	struct fcfile_info info, info2;
	struct fc_work w = { 0 };
	struct fc_cfg cfg;
	size_t t;
	int h, fd, ok;
	FILE *f;

	/* seasonal series with trend and noise; hold out the last 12 */
	for (t = 0; t < N + 12; t++)
		y[t] = 100 + 0.3 * (double)t + 20 * sin(2 * M_PI *
		    (double)t / 12) + 3 * noise();
	fc_cfg_init(&cfg);
	cfg.horizon = 12;
	cfg.season = 12;
	cfg.epochs = 60;
	t_ok(fc_train(&m, &cfg, y, NULL, N, NULL, N, 0, 0, 0, &w, err,
	    sizeof err) == 0, "train a seasonal series");
	t_ok(m.ds.m == 12 && m.epochs >= 1 && m.best_epoch >= 1 &&
	    isfinite(m.val_loss), "season found, early stopping recorded");
	t_ok(fc_predict(&m, y, N, NULL, N, 0, 12, out, q, &w, err,
	    sizeof err) == 0, "predict 12 steps");
	for (h = 0; h < 12; h++) {
		e_m += fabs(out[h] - y[N + h]);
		e_n += fabs(y[N - 1] - y[N + h]);
	}
	printf("# MAE lstm %.2f, naive %.2f\n", e_m / 12, e_n / 12);
	t_ok(e_m < 0.6 * e_n, "beats the naive forecast clearly");
	for (h = 0, ok = 1; h < 12; h++)
		ok &= q[2 * h] <= out[h] + 1e-9 && out[h] <= q[2 * h + 1] +
		    1e-9 && q[2 * h] < q[2 * h + 1];
	t_ok(ok, "quantiles 0.1 and 0.9 bracket the forecast");

	/* same seed, same result */
	t_ok(fc_train(&m2, &cfg, y, NULL, N, NULL, N, 0, 0, 0, &w, err,
	    sizeof err) == 0 && fc_predict(&m2, y, N, NULL, N, 0, 12, out2,
	    NULL, &w, err, sizeof err) == 0 && memcmp(out, out2,
	    sizeof out) == 0, "deterministic for a seed");
	fc_free(&m2);

	/* file round trip */
	memset(&info, 0, sizeof info);
	strcpy(info.series, "odd\nname%x");
	strcpy(info.freq, "monthly");
	strcpy(info.first, "2000-01");
	strcpy(info.last, "2012-06");
	strcpy(info.created, "2024-01-01T00:00:00Z");
	if ((fd = mkstemp(path)) == -1)
		return 1;
	close(fd);
	t_ok(fcfile_save(path, &m, &info, err, sizeof err) == 0, "save");
	t_ok(fcfile_load(path, &m2, &info2, err, sizeof err) == 0, "load");
	t_ok(strcmp(info2.series, info.series) == 0 &&
	    strcmp(info2.last, "2012-06") == 0 && m2.ds.m == 12 &&
	    m2.mu == m.mu && m2.adam_t == m.adam_t &&
	    memcmp(m2.net.params, m.net.params, m.net.nparams *
	    sizeof(float)) == 0 && memcmp(m2.net.v, m.net.v, m.net.nparams *
	    sizeof(float)) == 0, "metadata, parameters and moments kept");
	t_ok(fc_predict(&m2, y, N, NULL, N, 0, 12, out2, NULL, &w, err,
	    sizeof err) == 0 && fabs(out2[11] - out[11]) < 1e-4 *
	    fabs(out[11]), "the loaded model forecasts the same");

	/* warm start on twelve more periods */
	t_ok(fc_train(&m2, &cfg, y, NULL, N + 12, NULL, N + 12, 0, 0, 1, &w,
	    err, sizeof err) == 0 && m2.adam_t > m.adam_t && m2.mu == m.mu,
	    "warm start continues (Adam steps go on, scaling kept)");
	fc_free(&m2);

	/* damage one byte: refused */
	if ((f = fopen(path, "r+b")) == NULL)
		return 1;
	fseek(f, 200, SEEK_SET);
	fputc(fgetc(f) ^ 1, f);
	fclose(f);
	t_ok(fcfile_load(path, &m2, &info2, err, sizeof err) == -1 &&
	    strstr(err, "checksum") != NULL, "damaged file refused");
	printf("# %s\n", err);
	unlink(path);
	fc_free(&m);

	/* a forecast off by a factor 2 and an offset: corrected */
	for (t = 0; t < N + 12; t++) {
		c[t] = 50 + 10 * sin(2 * M_PI * (double)t / 7) + 2 * noise();
		y[t] = (c[t] - 20) / 2 + 0.5 * noise();
	}
	cfg.horizon = 1;
	cfg.season = 0;
	e_m = 0;
	for (t = N - 20; t < N; t++) {	/* 20 one-step origins */
		if (fc_train(&m, &cfg, y, NULL, t, c, t + 1, 1, 0, 0, &w, err,
		    sizeof err) == -1 || fc_predict(&m, y, t, c, t + 1, 0, 1,
		    out, NULL, &w, err, sizeof err) == -1)
			break;
		e_m += fabs(out[0] - y[t]);
		e_c += fabs(c[t] - y[t]);
		fc_free(&m);
	}
	t_ok(t == N, "train and predict with a covariate");
	printf("# MAE lstm %.2f, covariate as given %.2f\n", e_m / 20,
	    e_c / 20);
	t_ok(e_m < 0.05 * e_c, "biased covariate corrected");

	/* all zeros: zero forecasts, zero quantiles, no NaN */
	memset(z, 0, sizeof z);
	cfg.horizon = 3;
	t_ok(fc_train(&m, &cfg, z, NULL, N, NULL, N, 0, 0, 0, &w, err,
	    sizeof err) == 0 && fc_predict(&m, z, N, NULL, N, 0, 3, out, q,
	    &w, err, sizeof err) == 0 && out[0] == 0 && out[2] == 0 &&
	    q[5] == 0, "all-zero series: zero forecast and quantiles");
	fc_free(&m);
	t_ok(fc_train(&m, &cfg, z, NULL, 3, NULL, 3, 0, 0, 0, &w, err,
	    sizeof err) == -1 && strstr(err, "too few") != NULL,
	    "too short a series refused");
	fc_work_free(&w);
	return t_done();
}
