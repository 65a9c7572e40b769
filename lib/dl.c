/*
 * dl.c - dlopen a library and resolve a table of symbols (see dl.h).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "dl.h"

int dl_syms(const char *soname, const char *const *names, void **fns, size_t n,
	    char *err, size_t errlen)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	size_t i;

	if (!h) {
		snprintf(err, errlen, "cannot load %s: %s", soname, dlerror());
		return -1;
	}
	for (i = 0; i < n; i++) {
		fns[i] = dlsym(h, names[i]);
		if (!fns[i]) {
			snprintf(err, errlen, "%s: no %s", soname, names[i]);
			/* unusable: leave the table empty, keep the handle
			 * (other users of the library may hold it) */
			memset(fns, 0, n * sizeof(*fns));
			return -1;
		}
	}
	return 0;
}
