/*
 * dl.h - libraries loaded on first use (dlopen): OpenSSL for the checker
 * and for the load-time check of the SSL block, so that processes and
 * configurations without TLS never map it.
 */
#ifndef DD_DL_H
#define DD_DL_H

#include <stddef.h>

#define DL_STR(x) #x
#define DL_XSTR(x) DL_STR(x)
/* the ABI the OpenSSL headers describe: "libssl.so.3" for OpenSSL 3 */
#define DL_OSSL_SONAME(lib) lib ".so." DL_XSTR(OPENSSL_VERSION_MAJOR)

/**
 * dl_syms - dlopen @soname and resolve @n symbols.
 * @soname: the library, e.g. DL_OSSL_SONAME("libcrypto")
 * @names: the symbol names
 * @fns: receives the @n addresses; all NULL on failure
 * @n: number of names
 * @err: receives the reason on failure ("cannot load ...", "...: no NAME")
 * @errlen: size of @err
 * Returns 0, or -1 when the library or a symbol is missing. The handle
 * stays open: the addresses are used for the life of the process.
 */
int dl_syms(const char *soname, const char *const *names, void **fns, size_t n,
	    char *err, size_t errlen);

#endif
