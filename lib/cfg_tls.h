/*
 * cfg_tls.h - checks of the files named in the global SSL { } block, made
 * at load time so that a bad CA, certificate or key refuses the
 * configuration instead of failing every SSL_GET check at run time.
 */
#ifndef DD_CFG_TLS_H
#define DD_CFG_TLS_H

#include <stddef.h>

/* cfg_tls_* results */
enum cfg_tls_res {
	CFG_TLS_OK = 0,
	CFG_TLS_BAD = -1, /* the file is wrong: the reason says why */
	CFG_TLS_NOLIB = -2, /* libcrypto could not be loaded: not checked */
};

/**
 * cfg_tls_check_certs - check that a file (the "ca" or the "certificate")
 * holds at least one PEM certificate and that every certificate in it
 * decodes.
 * @path: the file
 * @why: receives the reason when the result is not CFG_TLS_OK
 * @len: size of @why
 * Return: an enum cfg_tls_res.
 */
int cfg_tls_check_certs(const char *path, char *why, size_t len);

/**
 * cfg_tls_check_key - check that a PEM private key loads, decrypted with
 * @password when it is encrypted, and that it belongs to the certificate.
 * @path: the file named by "key"
 * @password: the "password" keyword's value, or NULL
 * @cert: the "certificate" file, or NULL (then no match is checked; a
 *	certificate that does not load is not checked against either)
 * @why: receives the reason when the result is not CFG_TLS_OK
 * @len: size of @why
 * Return: an enum cfg_tls_res.
 */
int cfg_tls_check_key(const char *path, const char *password, const char *cert,
		      char *why, size_t len);

#endif
