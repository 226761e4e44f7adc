/*
 * needle: read openQA needle JSON files.  See needle.h.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "needle.h"

static const char *const typenames[] = { "match", "ocr", "exclude" };

const char *
needle_type_name(enum needle_type t)
{
	return typenames[t];
}

/* The whole file into a NUL-terminated buffer.  NULL with err filled. */
static char *
slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (f == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	buf = malloc(NEEDLE_MAX_BYTES + 1);
	if (buf == NULL) {
		fclose(f);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	n = fread(buf, 1, NEEDLE_MAX_BYTES + 1, f);
	if (ferror(f) || n > NEEDLE_MAX_BYTES) {
		snprintf(err, errlen, ferror(f) ? "read error" :
		    "larger than 1 MiB");
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* obj[key] as an integer in [min, max]: 0, else -1. */
static int
get_int(const cJSON *obj, const char *key, int min, int max, int *v)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	double d;

	if (!cJSON_IsNumber(it))
		return -1;
	d = it->valuedouble;
	if (!(d >= min && d <= max) || d != floor(d))
		return -1;
	*v = (int)d;
	return 0;
}

/* A number or a numeric string ("match": "100" occurs): 0, else -1. */
static int
get_num(const cJSON *obj, const char *key, double *v)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	char *end;

	if (cJSON_IsNumber(it)) {
		*v = it->valuedouble;
		return isfinite(*v) ? 0 : -1;
	}
	if (cJSON_IsString(it)) {
		errno = 0;
		*v = strtod(it->valuestring, &end);
		return end != it->valuestring && *end == '\0' && errno == 0 &&
		    isfinite(*v) ? 0 : -1;
	}
	return -1;
}

/* One area; -1 with err filled. */
static int
read_area(const cJSON *a, int i, struct needle_area *ar, char *err,
    size_t errlen)
{
	static const char *const keys[4] = { "xpos", "ypos", "width",
	    "height" };
	int *dst[4] = { &ar->x, &ar->y, &ar->w, &ar->h }, k;
	const char *type;

	if (!cJSON_IsObject(a)) {
		snprintf(err, errlen, "area %d: not an object", i + 1);
		return -1;
	}
	for (k = 0; k < 4; k++)
		if (get_int(a, keys[k], k < 2 ? 0 : 1, 1 << 20, dst[k])) {
			snprintf(err, errlen, "area %d: no \"%s\" integer "
			    ">= %d", i + 1, keys[k], k < 2 ? 0 : 1);
			return -1;
		}
	type = cJSON_IsString(cJSON_GetObjectItemCaseSensitive(a, "type")) ?
	    cJSON_GetObjectItemCaseSensitive(a, "type")->valuestring : NULL;
	for (k = 0; k < 3; k++)
		if (type != NULL && strcmp(type, typenames[k]) == 0)
			break;
	if (k == 3) {
		snprintf(err, errlen, "area %d: \"type\" is not \"match\", "
		    "\"ocr\" or \"exclude\"", i + 1);
		return -1;
	}
	ar->type = (enum needle_type)k;
	if (get_num(a, "match", &ar->match))
		ar->match = -1;
	if (get_int(a, "margin", 0, 1 << 30, &ar->margin))
		ar->margin = -1;
	return 0;
}

/* name: basename less ".json"; png: path with ".json" replaced. */
static int
names(struct needle *nd, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n = strlen(path), bn;

	base = base ? base + 1 : path;
	bn = strlen(base);
	if (bn > 5 && strcmp(base + bn - 5, ".json") == 0) {
		bn -= 5;
		n -= 5;
	}
	nd->name = malloc(bn + 1);
	nd->png = malloc(n + 5);
	if (nd->name == NULL || nd->png == NULL)
		return -1;
	memcpy(nd->name, base, bn);
	nd->name[bn] = '\0';
	memcpy(nd->png, path, n);
	memcpy(nd->png + n, ".png", 5);
	return 0;
}

int
needle_load(struct needle *nd, const char *path, char *err, size_t errlen)
{
	const cJSON *areas, *tags, *it;
	cJSON *root;
	char *buf;
	size_t len;
	int i;

	memset(nd, 0, sizeof *nd);
	if ((buf = slurp(path, &len, err, errlen)) == NULL)
		return -1;
	root = cJSON_ParseWithLength(buf, len);
	free(buf);
	if (root == NULL) {
		snprintf(err, errlen, "not valid JSON");
		return -1;
	}
	areas = cJSON_GetObjectItemCaseSensitive(root, "area");
	if (!cJSON_IsObject(root) || !cJSON_IsArray(areas)) {
		snprintf(err, errlen, "not a needle: no \"area\" array");
		goto fail;
	}
	nd->narea = cJSON_GetArraySize(areas);
	tags = cJSON_GetObjectItemCaseSensitive(root, "tags");
	nd->ntags = cJSON_IsArray(tags) ? cJSON_GetArraySize(tags) : 0;
	nd->area = calloc((size_t)nd->narea + 1, sizeof *nd->area);
	nd->tags = calloc((size_t)nd->ntags + 1, sizeof *nd->tags);
	if (nd->area == NULL || nd->tags == NULL || names(nd, path)) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	i = 0;
	cJSON_ArrayForEach(it, areas) {
		if (read_area(it, i, &nd->area[i], err, errlen))
			goto fail;
		i++;
	}
	i = 0;
	if (nd->ntags > 0)
		cJSON_ArrayForEach(it, tags) {
			if (!cJSON_IsString(it)) {
				snprintf(err, errlen, "tag %d: not a string",
				    i + 1);
				goto fail;
			}
			if ((nd->tags[i++] = strdup(it->valuestring)) ==
			    NULL) {
				snprintf(err, errlen, "out of memory");
				goto fail;
			}
		}
	cJSON_Delete(root);
	return 0;
fail:
	cJSON_Delete(root);
	needle_free(nd);
	return -1;
}

void
needle_free(struct needle *nd)
{
	int i;

	if (nd->tags != NULL)
		for (i = 0; i < nd->ntags; i++)
			free(nd->tags[i]);
	free(nd->tags);
	free(nd->area);
	free(nd->name);
	free(nd->png);
	memset(nd, 0, sizeof *nd);
}

int
needle_exclusions(const struct needle *nd, int k, struct needle_area *out,
    int max)
{
	const struct needle_area *m = &nd->area[k];
	int i, n = 0;

	for (i = 0; i < nd->narea; i++) {
		const struct needle_area *e = &nd->area[i];
		int x0 = e->x > m->x ? e->x : m->x;
		int y0 = e->y > m->y ? e->y : m->y;
		int x1 = e->x + e->w < m->x + m->w ? e->x + e->w : m->x + m->w;
		int y1 = e->y + e->h < m->y + m->h ? e->y + e->h : m->y + m->h;

		if (e->type != NEEDLE_EXCLUDE || x1 <= x0 || y1 <= y0)
			continue;
		if (n == max)
			return -1;
		out[n] = *e;
		out[n].x = x0 - m->x;
		out[n].y = y0 - m->y;
		out[n].w = x1 - x0;
		out[n].h = y1 - y0;
		n++;
	}
	return n;
}
