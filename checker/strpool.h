/*
 * strpool.h - the checker's reason strings, interned: ten thousand real
 * servers failing the same way ("connect timeout") share one copy, each
 * holding a reference, instead of twenty thousand small allocations (a
 * reason and a last failure each).
 */
#ifndef DD_CHK_STRPOOL_H
#define DD_CHK_STRPOOL_H

/**
 * chk_str_set - make *@dst an interned copy of @s.
 * @dst: NULL or a string from this pool, whose reference is dropped
 * @s: the new value; NULL or "" make *@dst NULL
 * Keeps the old value when out of memory (logged).
 */
void chk_str_set(const char **dst, const char *s);

/**
 * chk_str_drop - drop the reference *@dst holds and make it NULL.
 * @dst: NULL or a string from this pool
 */
void chk_str_drop(const char **dst);

/**
 * chk_str_pool_count - how many distinct strings the pool holds (tests).
 */
unsigned chk_str_pool_count(void);

#endif
