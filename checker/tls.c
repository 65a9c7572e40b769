/* tls.c - OpenSSL client context for SSL_GET and genhash. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "checker/tls.h"

static int tls_password_cb(char *buf, int size, int rwflag, void *u)
{
	const char *pw = u;
	size_t n = strlen(pw);

	(void)rwflag;
	if (n > (size_t)size)
		return 0;
	memcpy(buf, pw, n);
	return (int)n;
}

static SSL_CTX *tls_fail(SSL_CTX *ctx, const char *what, const char *file,
			 char *err, size_t errlen)
{
	unsigned long e = ERR_get_error();

	snprintf(err, errlen, "%s %s: %s", what, file ? file : "",
		 e ? ERR_reason_error_string(e) : "failed");
	ERR_clear_error();
	SSL_CTX_free(ctx);
	return NULL;
}

SSL_CTX *chk_tls_ctx_new(const struct cfg_global *g, char *err, size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (!ctx)
		return tls_fail(NULL, "SSL_CTX_new", NULL, err, errlen);
	/* servers that close without close_notify end the body (HTTP/1.0) */
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	if (!g)
		return ctx;
	if (g->ssl_password) {
		SSL_CTX_set_default_passwd_cb(ctx, tls_password_cb);
		SSL_CTX_set_default_passwd_cb_userdata(ctx, g->ssl_password);
	}
	if (g->ssl_ca) {
		if (SSL_CTX_load_verify_locations(ctx, g->ssl_ca, NULL) != 1)
			return tls_fail(ctx, "CA file", g->ssl_ca, err, errlen);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	}
	if (g->ssl_cert &&
	    SSL_CTX_use_certificate_chain_file(ctx, g->ssl_cert) != 1)
		return tls_fail(ctx, "certificate", g->ssl_cert, err, errlen);
	if (g->ssl_key &&
	    SSL_CTX_use_PrivateKey_file(ctx, g->ssl_key, SSL_FILETYPE_PEM) != 1)
		return tls_fail(ctx, "key", g->ssl_key, err, errlen);
	return ctx;
}

const char *chk_tls_error(SSL *ssl, int ret, char *buf, size_t len)
{
	int e = SSL_get_error(ssl, ret);
	unsigned long q = ERR_peek_error();
	long vr = SSL_get_verify_result(ssl);

	if (vr != X509_V_OK) {
		snprintf(buf, len, "certificate verify failed: %s",
			 X509_verify_cert_error_string(vr));
	} else if (q) {
		snprintf(buf, len, "%s", ERR_reason_error_string(q));
	} else if (e == SSL_ERROR_SYSCALL) {
		if (errno == ECONNRESET)
			snprintf(buf, len, "connection reset");
		else if (errno)
			snprintf(buf, len, "%s", strerror(errno));
		else
			snprintf(buf, len, "connection closed");
	} else if (e == SSL_ERROR_ZERO_RETURN) {
		snprintf(buf, len, "connection closed");
	} else {
		snprintf(buf, len, "SSL error %d", e);
	}
	ERR_clear_error();
	return buf;
}
