/*
 * jw.h - a streaming JSON writer into one growing buffer. Status documents
 * of thousands of real servers are written straight to text: building
 * json-c objects for them first cost seconds and tens of megabytes.
 *
 * Every value call takes a key: the member name inside an object, NULL
 * inside an array or at the top. The writer adds commas itself. An
 * allocation failure is sticky: later calls do nothing and jw_finish
 * returns NULL.
 */
#ifndef DD_JW_H
#define DD_JW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JW_MAX_DEPTH 16

struct jw {
	char *buf;
	size_t len, cap;
	bool failed;
	unsigned depth;
	/* per open container: no member written yet */
	bool empty[JW_MAX_DEPTH];
};

/**
 * jw_init - start an empty document.
 * @w: the writer (its old contents are not freed)
 */
void jw_init(struct jw *w);

/**
 * jw_obj_open - open an object.
 * @w: the writer
 * @key: member name, or NULL inside an array or at the top
 */
void jw_obj_open(struct jw *w, const char *key);

/**
 * jw_obj_close - close the innermost object.
 * @w: the writer
 */
void jw_obj_close(struct jw *w);

/**
 * jw_arr_open - open an array.
 * @w: the writer
 * @key: member name, or NULL inside an array or at the top
 */
void jw_arr_open(struct jw *w, const char *key);

/**
 * jw_arr_close - close the innermost array.
 * @w: the writer
 */
void jw_arr_close(struct jw *w);

/**
 * jw_str - a string value, escaped per RFC 8259 section 7.
 * @w: the writer
 * @key: member name or NULL
 * @v: the text (UTF-8 passed through), or NULL for null
 */
void jw_str(struct jw *w, const char *key, const char *v);

/**
 * jw_int - a signed integer value.
 * @w: the writer
 * @key: member name or NULL
 * @v: the value
 */
void jw_int(struct jw *w, const char *key, int64_t v);

/**
 * jw_u64 - an unsigned integer value.
 * @w: the writer
 * @key: member name or NULL
 * @v: the value
 */
void jw_u64(struct jw *w, const char *key, uint64_t v);

/**
 * jw_bool - true or false.
 * @w: the writer
 * @key: member name or NULL
 * @v: the value
 */
void jw_bool(struct jw *w, const char *key, bool v);

/**
 * jw_null - null.
 * @w: the writer
 * @key: member name or NULL
 */
void jw_null(struct jw *w, const char *key);

/**
 * jw_raw - a value that is already JSON text (a child's status document).
 * @w: the writer
 * @key: member name or NULL
 * @json: the text, or NULL for null
 */
void jw_raw(struct jw *w, const char *key, const char *json);

/**
 * jw_finish - end the document and take its text.
 * @w: the writer (empty afterwards)
 * @len: receives the length, may be NULL
 * Returns the NUL-terminated text (caller frees), or NULL after an
 * allocation failure or with a container still open (a bug).
 */
char *jw_finish(struct jw *w, size_t *len);

/**
 * jw_free - drop an unfinished document.
 * @w: the writer
 */
void jw_free(struct jw *w);

#endif
