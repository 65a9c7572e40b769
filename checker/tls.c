/*
 * tls.c - OpenSSL loaded on first use, and the client context for SSL_GET
 * and genhash.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "checker/tls.h"
#include "dl.h"

struct chk_ossl chk_ossl;

#define TLS_NAME(f) #f,
#define TLS_N(names) (sizeof(names) / sizeof(names[0]))

static const char *const crypto_names[] = { CHK_OSSL_CRYPTO(TLS_NAME) };
static const char *const ssl_names[] = { CHK_OSSL_SSL(TLS_NAME) };

/* one library's part of chk_ossl, tried once: a missing library is not
 * looked for again at every digest or SSL probe */
struct tls_lib {
	const char *soname;
	const char *const *names;
	size_t n;
	size_t offset; /* of its first pointer in chk_ossl */
	int state; /* 0 not tried, 1 loaded, -1 failed */
	char err[256];
};

static struct tls_lib tls_crypto = {
	.soname = DL_OSSL_SONAME("libcrypto"),
	.names = crypto_names,
	.n = TLS_N(crypto_names),
};
static struct tls_lib tls_ssl = {
	.soname = DL_OSSL_SONAME("libssl"),
	.names = ssl_names,
	.n = TLS_N(ssl_names),
	.offset = TLS_N(crypto_names) * sizeof(void *),
};

_Static_assert(sizeof(chk_ossl) == (TLS_N(crypto_names) + TLS_N(ssl_names)) *
					   sizeof(void *),
	       "one pointer per name");

static int tls_lib_load(struct tls_lib *lib, char *err, size_t errlen)
{
	void *fns[TLS_N(crypto_names) + TLS_N(ssl_names)];

	if (!lib->state) {
		lib->state = -1;
		/* through memcpy: ISO C has no object-to-function pointer
		 * conversion */
		if (dl_syms(lib->soname, lib->names, fns, lib->n, lib->err,
			    sizeof(lib->err)) == 0) {
			memcpy((char *)&chk_ossl + lib->offset, fns,
			       lib->n * sizeof(void *));
			lib->state = 1;
		}
	}
	if (lib->state < 0) {
		snprintf(err, errlen, "%s", lib->err);
		return -1;
	}
	return 0;
}

int chk_ossl_load(bool tls, char *err, size_t errlen)
{
	if (tls_lib_load(&tls_crypto, err, errlen) < 0)
		return -1;
	return tls ? tls_lib_load(&tls_ssl, err, errlen) : 0;
}

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
	unsigned long e = OSSL(ERR_get_error)();

	snprintf(err, errlen, "%s %s: %s", what, file ? file : "",
		 e ? OSSL(ERR_reason_error_string)(e) : "failed");
	OSSL(ERR_clear_error)();
	OSSL(SSL_CTX_free)(ctx);
	return NULL;
}

SSL_CTX *chk_tls_ctx_new(const struct cfg_global *g, char *err, size_t errlen)
{
	SSL_CTX *ctx;

	if (chk_ossl_load(true, err, errlen) < 0)
		return NULL;
	ctx = OSSL(SSL_CTX_new)(OSSL(TLS_client_method)());
	if (!ctx)
		return tls_fail(NULL, "SSL_CTX_new", NULL, err, errlen);
	/* servers that close without close_notify end the body (HTTP/1.0) */
	OSSL(SSL_CTX_set_options)(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	OSSL(SSL_CTX_set_verify)(ctx, SSL_VERIFY_NONE, NULL);
	if (!g)
		return ctx;
	if (g->ssl_password) {
		OSSL(SSL_CTX_set_default_passwd_cb)(ctx, tls_password_cb);
		OSSL(SSL_CTX_set_default_passwd_cb_userdata)
		(ctx, g->ssl_password);
	}
	if (g->ssl_ca) {
		if (OSSL(SSL_CTX_load_verify_locations)(ctx, g->ssl_ca, NULL) !=
		    1)
			return tls_fail(ctx, "CA file", g->ssl_ca, err, errlen);
		OSSL(SSL_CTX_set_verify)(ctx, SSL_VERIFY_PEER, NULL);
	}
	if (g->ssl_cert &&
	    OSSL(SSL_CTX_use_certificate_chain_file)(ctx, g->ssl_cert) != 1)
		return tls_fail(ctx, "certificate", g->ssl_cert, err, errlen);
	if (g->ssl_key && OSSL(SSL_CTX_use_PrivateKey_file)(
				  ctx, g->ssl_key, SSL_FILETYPE_PEM) != 1)
		return tls_fail(ctx, "key", g->ssl_key, err, errlen);
	return ctx;
}

const char *chk_tls_error(SSL *ssl, int ret, char *buf, size_t len)
{
	int e = OSSL(SSL_get_error)(ssl, ret);
	unsigned long q = OSSL(ERR_peek_error)();
	long vr = OSSL(SSL_get_verify_result)(ssl);

	if (vr != X509_V_OK) {
		snprintf(buf, len, "certificate verify failed: %s",
			 OSSL(X509_verify_cert_error_string)(vr));
	} else if (q) {
		snprintf(buf, len, "%s", OSSL(ERR_reason_error_string)(q));
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
	OSSL(ERR_clear_error)();
	return buf;
}
