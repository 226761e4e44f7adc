/*
 * scale_test: min-max and standard scaling on a small matrix against
 * values worked out by hand, constant features, the parameter checks, and
 * the method names.
 */
#include <math.h>
#include <string.h>

#include "scale.h"
#include "test.h"

int
main(void)
{
	/* 4 rows x 3 features; feature 2 is constant */
	const double x[] = {
		0, 5, -2,
		10, 5, 1,
		2, 5, 3,
		4, 5, 6,
	};
	double out[3], row[3] = { 5, 5, 9 };
	enum scale_kind k;
	struct scale s;
	char err[128];

	t_ok(scale_init(&s, SCALE_MINMAX, 3) == 0, "init minmax");
	t_ok(scale_fit(&s, x, 4, err, sizeof err) == 0, "fit minmax");
	t_near(s.a[0], 0, 0, "min of feature 0");
	t_near(s.b[0], 10, 0, "max of feature 0");
	t_near(s.a[2], -2, 0, "min of feature 2");
	t_near(s.b[2], 6, 0, "max of feature 2");
	scale_apply(&s, x + 3, out);
	t_near(out[0], 1, 1e-15, "max maps to 1");
	t_near(out[1], 0, 0, "constant feature maps to 0");
	t_near(out[2], -1 + 2 * 3.0 / 8, 1e-15, "1 in [-2, 6]");
	scale_apply(&s, x, out);
	t_near(out[0], -1, 1e-15, "min maps to -1");
	scale_apply(&s, row, row);
	t_near(row[0], 0, 1e-15, "midpoint maps to 0 (in place)");
	t_near(row[2], 1 + 2 * 3.0 / 8, 1e-15, "beyond max extrapolates");
	t_near(scale_value(&s, 0, 2.5), -0.5, 1e-15, "scale_value");
	scale_free(&s);

	t_ok(scale_init(&s, SCALE_STANDARD, 3) == 0, "init standard");
	t_ok(scale_fit(&s, x, 4, err, sizeof err) == 0, "fit standard");
	t_near(s.a[0], 4, 1e-15, "mean of feature 0");
	t_near(s.b[0], sqrt((16 + 36 + 4 + 0) / 4.0), 1e-15,
	    "population sd of feature 0");
	t_near(s.b[1], 0, 0, "sd of the constant feature");
	scale_apply(&s, x + 3, out);
	t_near(out[0], 6 / sqrt(14.0), 1e-15, "standardised value");
	t_near(out[1], 0, 0, "constant feature standardises to 0");
	s.b[1] = 1e-10;
	t_ok(isinf(scale_value(&s, 1, 1e300)), "overflow shows as infinity");
	s.b[1] = 0;

	/* the checks on loaded parameters */
	t_ok(scale_check(&s, err, sizeof err) == 0, "fitted parameters pass");
	s.b[2] = -1;
	t_ok(scale_check(&s, err, sizeof err) == -1 &&
	    strcmp(err, "feature 3: negative standard deviation") == 0,
	    "negative sd refused");
	s.b[2] = 1;
	s.a[1] = INFINITY;
	t_ok(scale_check(&s, err, sizeof err) == -1, "infinite mean refused");
	scale_free(&s);
	t_ok(scale_init(&s, SCALE_MINMAX, 1) == 0, "init one feature");
	s.a[0] = 2;
	s.b[0] = 1;
	t_ok(scale_check(&s, err, sizeof err) == -1 &&
	    strcmp(err, "feature 1: maximum below minimum") == 0,
	    "max below min refused");
	s.a[0] = -1e308;
	s.b[0] = 1e308;
	t_ok(scale_check(&s, err, sizeof err) == -1,
	    "a range that overflows is refused");
	scale_free(&s);
	{
		const double huge[] = { -1e308, 1e308 };

		scale_init(&s, SCALE_STANDARD, 1);
		t_ok(scale_fit(&s, huge, 2, err, sizeof err) == -1,
		    "fit whose spread overflows fails");
		scale_free(&s);
	}

	t_ok(scale_kind_parse("minmax", &k) == 0 && k == SCALE_MINMAX,
	    "parse minmax");
	t_ok(scale_kind_parse("standard", &k) == 0 && k == SCALE_STANDARD,
	    "parse standard");
	t_ok(scale_kind_parse("MinMax", &k) == -1, "names are case-sensitive");
	t_ok(strcmp(scale_kind_name(SCALE_STANDARD), "standard") == 0,
	    "name of standard");
	return t_done();
}
