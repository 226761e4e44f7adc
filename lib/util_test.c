/*
 * util_test: option parsing (accepted values and, in child processes, the
 * exit code and message of rejected ones), text sanitising, and the
 * write-error check of close_stdout on /dev/full.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "util.h"

/* Run fn in a child with stderr captured; return its exit code. */
static int
child(void (*fn)(const char *), const char *arg, char *err, size_t errlen)
{
	int fd[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe(fd) == -1)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(fd[1], 2);
		close(fd[0]);
		fn(arg);
		_exit(0);
	}
	close(fd[1]);
	n = read(fd[0], err, errlen - 1);
	err[n > 0 ? n : 0] = '\0';
	close(fd[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
long_0_255(const char *s)
{
	parse_long("-t", s, 0, 255);
}

static void
double_unit(const char *s)
{
	parse_double("--threshold", s, 0, 1);
}

static void
write_dev_full(const char *path)
{
	if (freopen(path, "w", stdout) == NULL)
		_exit(99);
	printf("some output\n");
	close_stdout();
}

int
main(void)
{
	char err[512], buf[16];

	progname = "util_test";
	t_ok(parse_long("-a", "42", 0, 100) == 42, "parse_long accepts 42");
	t_ok(parse_long("-a", "-7", -10, 0) == -7, "parse_long negative");
	t_near(parse_double("-x", "0.25", 0, 1), 0.25, 0, "parse_double");
	t_near(parse_double("-x", "1e-3", 0, 1), 1e-3, 0, "parse_double exp");

	t_ok(child(long_0_255, "300", err, sizeof err) == RC_USAGE,
	    "out of range exits 2");
	t_ok(strcmp(err, "util_test: -t: '300' is out of range (0..255)\n")
	    == 0, "out of range message");
	t_ok(child(long_0_255, "12abc", err, sizeof err) == RC_USAGE &&
	    strstr(err, "'12abc' is not a whole number") != NULL,
	    "trailing junk refused");
	t_ok(child(long_0_255, "", err, sizeof err) == RC_USAGE,
	    "empty number refused");
	t_ok(child(long_0_255, "99999999999999999999", err, sizeof err) ==
	    RC_USAGE, "overflow refused");
	t_ok(child(double_unit, "nan", err, sizeof err) == RC_USAGE,
	    "NaN option refused");
	t_ok(child(double_unit, "1.5", err, sizeof err) == RC_USAGE &&
	    strstr(err, "out of range (0..1)") != NULL, "double range");

	sanitize_text(buf, sizeof buf, "a\033[31mb\nc");
	t_ok(strcmp(buf, "a?[31mb?c") == 0, "control characters replaced");
	sanitize_text(buf, 4, "abcdef");
	t_ok(strcmp(buf, "abc") == 0, "sanitize truncates");

	if (access("/dev/full", W_OK) == 0) {
		t_ok(child(write_dev_full, "/dev/full", err, sizeof err) ==
		    RC_SYS, "close_stdout on /dev/full exits 5");
		t_ok(strstr(err, "writing output failed: No space left") !=
		    NULL, "close_stdout message");
	} else {
		t_skip("close_stdout on /dev/full", "no /dev/full here");
	}
	return t_done();
}
