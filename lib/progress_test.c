/*
 * progress_test: ETA formatting, and what reaches stderr (captured in a
 * file): nothing when it is not a terminal, else the line with label,
 * counts, percent, rate and ETA, redrawn at most every quarter second,
 * always at completion, and cleared at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"
#include "test.h"

static void
test_eta(void)
{
	static const struct {
		double s;
		const char *want;
	} c[] = {
		{ 0, "0s" }, { 42, "42s" }, { 59.4, "59s" }, { 59.6, "1m00s" },
		{ 185, "3m05s" }, { 3599, "59m59s" }, { 3600, "1h00m" },
		{ 3720, "1h02m" }, { 100 * 3600 + 59, "100h00m" },
		{ -1, "--" }, { NAN, "--" }, { INFINITY, "--" }, { 1e12, "--" },
	};
	char buf[32], what[64];
	size_t i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		progress_fmt_eta(buf, sizeof buf, c[i].s);
		snprintf(what, sizeof what, "eta %g -> %s", c[i].s, c[i].want);
		if (!t_ok(strcmp(buf, c[i].want) == 0, what))
			printf("# got '%s'\n", buf);
	}
	progress_fmt_eta(buf, 4, 185);
	t_ok(strcmp(buf, "3m0") == 0, "eta truncated to the buffer");
}

static char capfile[] = "/tmp/progress_test.XXXXXX";
static int saved_stderr = -1;

/* Send stderr to the capture file, emptied. */
static int
capture(void)
{
	FILE *f;

	fflush(stderr);
	if ((f = fopen(capfile, "w")) == NULL)
		return 0;
	saved_stderr = dup(2);
	dup2(fileno(f), 2);
	fclose(f);
	return 1;
}

/* Restore stderr; return what was captured. */
static const char *
captured(void)
{
	static char buf[8192];
	size_t n = 0;
	FILE *f;

	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	if ((f = fopen(capfile, "r")) != NULL) {
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static int
count(const char *s, const char *sub)
{
	int n = 0;

	while ((s = strstr(s, sub)) != NULL) {
		n++;
		s += strlen(sub);
	}
	return n;
}

static void
pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };

	nanosleep(&ts, NULL);
}

static void
test_output(void)
{
	struct progress p;
	const char *out;
	int i;

	if (!capture()) {
		t_ok(0, "capture stderr");
		return;
	}
	progress_start(&p, "quiet", 10, 0);	/* stderr is a file */
	progress_update(&p, 5, NULL);
	progress_end(&p);
	out = captured();
	t_ok(!p.on && out[0] == '\0', "not a terminal: nothing written");

	capture();
	progress_start(&p, "training", 10, 1);
	pause_ms(300);
	progress_update(&p, 3, "loss 0.012");
	for (i = 4; i < 9; i++)	/* within the same quarter second */
		progress_update(&p, i, NULL);
	progress_update(&p, 10, NULL);	/* done: drawn at once */
	progress_end(&p);
	out = captured();
	t_ok(strncmp(out, "\rtraining 3/10  30% ", 20) == 0,
	    "line: label, done/total, percent");
	t_ok(strstr(out, "/s ETA ") != NULL && strstr(out, " loss 0.012\033[K")
	    != NULL, "line: rate, ETA, extra, clear to end of line");
	t_ok(count(out, "\r") == 3, "redraws limited; completion drawn; end");
	t_ok(strstr(out, "training 10/10 100% ") != NULL &&
	    strstr(out, "ETA 0s") != NULL, "completion: 100%, ETA 0s");
	t_ok(strlen(out) >= 4 && strcmp(out + strlen(out) - 4, "\r\033[K") ==
	    0, "end clears the line");

	capture();
	progress_start(&p, "scoring", 0, 1);	/* total unknown */
	progress_update(&p, 7, NULL);
	pause_ms(260);
	progress_update(&p, 8, NULL);
	out = captured();
	t_ok(strncmp(out, "\rscoring 7 ", 11) == 0 && strstr(out, "ETA") ==
	    NULL && strstr(out, "%") == NULL, "unknown total: count and rate");
	t_ok(count(out, "\r") == 2, "redrawn after a quarter second");

	capture();
	{
		char label[300];

		memset(label, 'x', sizeof label - 1);
		label[sizeof label - 1] = '\0';
		progress_start(&p, label, 1, 1);
		progress_update(&p, 1, NULL);
	}
	out = captured();
	t_ok(strlen(out) == 1 + 79 + 3, "cut to 79 columns off a terminal");
}

int
main(void)
{
	int fd = mkstemp(capfile);

	if (fd == -1) {
		perror("mkstemp");
		return 1;
	}
	close(fd);
	test_eta();
	test_output();
	unlink(capfile);
	return t_done();
}
