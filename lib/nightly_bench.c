/*
 * nightly_bench: the nightly job at the scale of the issue, with the real
 * tool: 1000 weekly series of three years with a biased customer forecast
 * (synthetic, seeded), `lstm-forecast train -j 2` on the first night,
 * then a week later `train -W -j 2` (warm start) and `predict -j 2`, as
 * scripts/nightly-forecast runs them.  Prints wall-clock and CPU seconds
 * of each step; the target is 30 s for the warm-started night on 2 cores.
 * The binary is $LK_BIN/lstm-forecast (default bin/).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define NSER 1000
#define NWEEK 156
#define HORIZON 4

static uint64_t rs = 0x853c49e6748fea9bULL;

static double
unif(void)
{
	rs = rs * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(rs >> 11) / 9007199254740992.0;
}

/*
 * The export of a night: weeks 0..nweek-1 with demand, then HORIZON
 * weeks with the customer's forecast only.  Dates from 2018-01-01 (a
 * Monday), one week apart.
 */
static int
write_export(const char *path, int nweek)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	double level, trend, amp, bias, y, f;
	int s, w, y0, m, d, k;
	FILE *out;

	if ((out = fopen(path, "w")) == NULL)
		return -1;
	rs = 0x853c49e6748fea9bULL;
	fputs("item,week,demand,customer\n", out);
	for (s = 0; s < NSER; s++) {
		level = 100 + 9900 * unif();
		trend = (unif() - 0.5) * 0.004 * level;
		amp = 0.3 * unif() * level;
		bias = 0.8 * unif() - 0.3;	/* -30% .. +50% */
		y0 = 2018;
		m = 1;
		d = 1;
		for (w = 0; w < nweek + HORIZON; w++) {
			y = level + trend * w + amp * sin(2 * M_PI * w / 52.0) +
			    0.05 * level * (unif() - 0.5) * 2;
			f = y * (1 + bias) + 0.03 * level * (unif() - 0.5) * 2;
			if (w < nweek)
				fprintf(out, "i%04d,%04d-%02d-%02d,%.1f,%.1f\n", s,
				    y0, m, d, y > 0 ? y : 0, f > 0 ? f : 0);
			else
				fprintf(out, "i%04d,%04d-%02d-%02d,,%.1f\n", s,
				    y0, m, d, f > 0 ? f : 0);
			for (k = 0; k < 7; k++)	/* next Monday */
				if (++d > mdays[m - 1] + (m == 2 && y0 % 4 == 0))
				{
					d = 1;
					if (++m > 12) {
						m = 1;
						y0++;
					}
				}
		}
	}
	return fclose(out);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double
child_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_CHILDREN, &ru);
	return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
	    (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
}

/* Run a command; print its wall and CPU seconds; its wall time or -1. */
static double
timed(const char *what, const char *cmd)
{
	double t = now(), c = child_cpu();

	if (system(cmd) != 0) {
		fprintf(stderr, "nightly_bench: failed: %s\n", cmd);
		return -1;
	}
	t = now() - t;
	c = child_cpu() - c;
	printf("  %-34s %6.1f s wall, %6.1f s CPU\n", what, t, c);
	return t;
}

int
main(void)
{
	const char *bin = getenv("LK_BIN") ? getenv("LK_BIN") : "bin";
	char dir[] = "/tmp/nightly_benchXXXXXX", cmd[4096], csv[600];
	const char *opts = "-s item -t week -y demand -x customer";
	double t1, t2, t3;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(csv, sizeof csv, "%s/export.csv", dir);
	if (write_export(csv, NWEEK) == -1)
		return 1;
	printf("nightly_bench: %d weekly series x %d weeks, customer forecast "
	    "as covariate, horizon %d, lstm-forecast -j 2 (defaults: hidden "
	    "32, window 24, <= 100 epochs, early stopping), %ld online CPUs\n",
	    NSER, NWEEK, HORIZON, sysconf(_SC_NPROCESSORS_ONLN));
	snprintf(cmd, sizeof cmd, "%s/lstm-forecast train -j 2 %s -H %d -m "
	    "%s/models %s 2>/dev/null", bin, opts, HORIZON, dir, csv);
	t1 = timed("first night: train", cmd);
	if (write_export(csv, NWEEK + 1) == -1)
		return 1;
	snprintf(cmd, sizeof cmd, "%s/lstm-forecast train -W -j 2 %s -H %d "
	    "-m %s/models %s 2>/dev/null", bin, opts, HORIZON, dir, csv);
	t2 = timed("next night: train --warm-start", cmd);
	snprintf(cmd, sizeof cmd, "%s/lstm-forecast predict -j 2 -f csv -m "
	    "%s/models %s >%s/forecast.csv 2>/dev/null", bin, dir, csv, dir);
	t3 = timed("next night: predict", cmd);
	if (t2 >= 0 && t3 >= 0)
		printf("  nightly (warm start + predict): %.1f s (target <= 30 s "
		    "on 2 cores)\n", t2 + t3);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return t1 < 0 || t2 < 0 || t3 < 0;
}
