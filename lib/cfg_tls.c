/*
 * cfg_tls.c - the global SSL { } files checked at load time, as the checker
 * will load them (checker/tls.c): the CA and the certificate must be PEM
 * certificates, the key must decrypt with the given password and belong to
 * the certificate. libcrypto is loaded with dlopen on the first check, like
 * the checker does, so that configurations without SSL_GET never map it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cfg_tls.h"
#include "dl.h"

#define TLS_CRYPTO_SONAME DL_OSSL_SONAME("libcrypto")

/* larger than any CA bundle; bounds what a typo (a disk image) costs */
#define TLS_FILE_MAX (16 << 20)

#define TLS_FUNCS(X)               \
	X(BIO_free)                \
	X(BIO_new_mem_buf)         \
	X(CRYPTO_free)             \
	X(ERR_clear_error)         \
	X(ERR_peek_last_error)     \
	X(ERR_reason_error_string) \
	X(EVP_PKEY_free)           \
	X(PEM_read_bio)            \
	X(PEM_read_bio_PrivateKey) \
	X(X509_check_private_key)  \
	X(X509_free)               \
	X(d2i_X509)                \
	X(d2i_X509_AUX)

#define TLS_PTR(f) __typeof__(f) *f;
static struct {
	TLS_FUNCS(TLS_PTR)
} tls;
static char tls_load_err[256];

#define TLS_NAME(f) #f,

/* tls_load - resolve the functions once; false (and why) when unusable */
static bool tls_load(char *why, size_t len)
{
	static const char *const names[] = { TLS_FUNCS(TLS_NAME) };
	static int state; /* 0 not tried, 1 loaded, -1 failed */
	void *fns[sizeof(names) / sizeof(names[0])];

	if (!state) {
		state = -1;
		/* through memcpy: ISO C has no object-to-function pointer
		 * conversion */
		_Static_assert(sizeof(tls) == sizeof(fns),
			       "one pointer per name");
		if (dl_syms(TLS_CRYPTO_SONAME, names, fns,
			    sizeof(names) / sizeof(names[0]), tls_load_err,
			    sizeof(tls_load_err)) == 0) {
			memcpy(&tls, fns, sizeof(tls));
			state = 1;
		}
	}
	if (state < 0)
		snprintf(why, len, "%s", tls_load_err);
	return state > 0;
}

/*
 * tls_read - the whole of @path in a memory BIO; NULL on error, with why
 * and @res (CFG_TLS_BAD, or CFG_TLS_NOLIB when libcrypto is missing).
 * The file is read before libcrypto is loaded: an unreadable file is an
 * error even where libcrypto is missing.
 */
static BIO *tls_read(const char *path, char **data, int *res, char *why,
		     size_t len)
{
	/* O_NONBLOCK: a FIFO named by mistake must not hang the load */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	char *buf = NULL;
	struct stat sb;
	ssize_t got;
	size_t n;
	BIO *b;

	*res = CFG_TLS_BAD;
	if (fd < 0 || fstat(fd, &sb) < 0) {
		snprintf(why, len, "cannot be read: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(why, len, "is not a regular file");
		close(fd);
		return NULL;
	}
	if (sb.st_size > TLS_FILE_MAX) {
		snprintf(why, len, "is larger than %d bytes", TLS_FILE_MAX);
		close(fd);
		return NULL;
	}
	/* the size is known: one buffer, read until end of file (a file
	 * that grew meanwhile is cut at the size it had) */
	buf = malloc((size_t)sb.st_size + 1);
	for (n = 0, got = 1; buf && got > 0 && n < (size_t)sb.st_size;
	     n += (size_t)got)
		got = read(fd, buf + n, (size_t)sb.st_size - n);
	if (!buf || got < 0) {
		snprintf(why, len, "cannot be read: %s",
			 buf ? strerror(errno) : "out of memory");
		free(buf);
		close(fd);
		return NULL;
	}
	close(fd);
	if (!tls_load(why, len)) {
		*res = CFG_TLS_NOLIB;
		free(buf);
		return NULL;
	}
	b = tls.BIO_new_mem_buf(buf, (int)n);
	if (!b) {
		snprintf(why, len, "cannot be read: out of memory");
		free(buf);
		return NULL;
	}
	*data = buf;
	return b;
}

/* tls_reason - OpenSSL's last error as text, and the queue cleared */
static const char *tls_reason(void)
{
	unsigned long e = tls.ERR_peek_last_error();
	const char *r = e ? tls.ERR_reason_error_string(e) : NULL;

	tls.ERR_clear_error();
	return r ? r : "unknown error";
}

static bool tls_is_cert(const char *name)
{
	return !strcmp(name, PEM_STRING_X509) ||
	       !strcmp(name, PEM_STRING_X509_OLD) ||
	       !strcmp(name, PEM_STRING_X509_TRUSTED);
}

/*
 * tls_certs - walk the PEM blocks of @path: every certificate block must
 * decode and there must be at least one (other blocks, such as CRLs in a
 * CA file, are skipped as OpenSSL does). @first, when non-NULL, receives
 * the first certificate.
 */
static int tls_certs(const char *path, X509 **first, char *why, size_t len)
{
	char *data = NULL, *name, *header;
	unsigned char *der;
	long n;
	int blocks = 0, certs = 0, ret = CFG_TLS_BAD, res;
	BIO *b;

	b = tls_read(path, &data, &res, why, len);
	if (!b)
		return res;
	tls.ERR_clear_error();
	while (tls.PEM_read_bio(b, &name, &header, &der, &n) == 1) {
		const unsigned char *p = der;
		X509 *x = NULL;
		bool is_cert = tls_is_cert(name);

		blocks++;
		if (is_cert)
			x = !strcmp(name, PEM_STRING_X509_TRUSTED) ?
				    tls.d2i_X509_AUX(NULL, &p, n) :
				    tls.d2i_X509(NULL, &p, n);
		tls.CRYPTO_free(name, __FILE__, __LINE__);
		tls.CRYPTO_free(header, __FILE__, __LINE__);
		tls.CRYPTO_free(der, __FILE__, __LINE__);
		if (is_cert && !x) {
			snprintf(why, len, "certificate %d is malformed: %s",
				 certs + 1, tls_reason());
			goto out;
		}
		if (x && first && !*first)
			*first = x;
		else if (x)
			tls.X509_free(x);
		certs += is_cert;
	}
	/* the walk ends on "no start line"; anything else is a bad block */
	if (ERR_GET_REASON(tls.ERR_peek_last_error()) != PEM_R_NO_START_LINE) {
		snprintf(why, len, "PEM block %d is malformed: %s", blocks + 1,
			 tls_reason());
		goto out;
	}
	tls.ERR_clear_error();
	if (!blocks)
		snprintf(why, len, "is not PEM (no '-----BEGIN' line)");
	else if (!certs)
		snprintf(why, len, "holds no PEM certificate");
	else
		ret = CFG_TLS_OK;
out:
	if (ret != CFG_TLS_OK && first && *first) {
		tls.X509_free(*first);
		*first = NULL;
	}
	tls.BIO_free(b);
	free(data);
	return ret;
}

int cfg_tls_check_certs(const char *path, char *why, size_t len)
{
	return tls_certs(path, NULL, why, len);
}

/* a callback always: OpenSSL's default one would prompt on the terminal */
static int tls_password_cb(char *buf, int size, int rwflag, void *u)
{
	const char *pw = u;
	size_t n = pw ? strlen(pw) : 0;

	(void)rwflag;
	if (n > (size_t)size)
		return 0;
	if (n)
		memcpy(buf, pw, n);
	return (int)n;
}

/* the first private key block of a file */
enum tls_key_kind { TLS_KEY_NONE, TLS_KEY_PLAIN, TLS_KEY_ENCRYPTED };

/* tls_key_kind - whether @path has a key block, and whether encrypted */
static enum tls_key_kind tls_key_kind(const char *path)
{
	char *data = NULL, *name, *header, why[8];
	enum tls_key_kind kind = TLS_KEY_NONE;
	unsigned char *der;
	long n;
	int res;
	BIO *b = tls_read(path, &data, &res, why, sizeof(why));

	if (!b)
		return TLS_KEY_NONE;
	while (kind == TLS_KEY_NONE &&
	       tls.PEM_read_bio(b, &name, &header, &der, &n) == 1) {
		if (strstr(name, "PRIVATE KEY"))
			kind = !strcmp(name, PEM_STRING_PKCS8) ||
					       strstr(header, "ENCRYPTED") ?
				       TLS_KEY_ENCRYPTED :
				       TLS_KEY_PLAIN;
		tls.CRYPTO_free(name, __FILE__, __LINE__);
		tls.CRYPTO_free(header, __FILE__, __LINE__);
		tls.CRYPTO_free(der, __FILE__, __LINE__);
	}
	tls.ERR_clear_error();
	tls.BIO_free(b);
	free(data);
	return kind;
}

int cfg_tls_check_key(const char *path, const char *password, const char *cert,
		      char *why, size_t len)
{
	char *data = NULL, ignored[8];
	int res;
	EVP_PKEY *k;
	X509 *x = NULL;
	BIO *b;

	b = tls_read(path, &data, &res, why, len);
	if (!b)
		return res;
	tls.ERR_clear_error();
	k = tls.PEM_read_bio_PrivateKey(b, NULL, tls_password_cb,
					(void *)password);
	tls.BIO_free(b);
	free(data);
	if (!k) {
		const char *r = tls_reason();

		switch (tls_key_kind(path)) {
		case TLS_KEY_NONE:
			snprintf(why, len, "holds no PEM private key");
			break;
		case TLS_KEY_PLAIN:
			snprintf(why, len, "is not a valid private key: %s", r);
			break;
		case TLS_KEY_ENCRYPTED:
			/* OpenSSL's reason names a cipher step: not helpful */
			snprintf(why, len,
				 password ?
					 "cannot be decrypted with the given "
					 "password" :
					 "is encrypted and no password is "
					 "given");
			break;
		}
		return CFG_TLS_BAD;
	}
	/* a certificate that does not load is reported on its own line */
	if (cert &&
	    tls_certs(cert, &x, ignored, sizeof(ignored)) == CFG_TLS_OK &&
	    tls.X509_check_private_key(x, k) != 1) {
		tls.ERR_clear_error();
		snprintf(why, len, "does not match the certificate '%s'", cert);
		tls.X509_free(x);
		tls.EVP_PKEY_free(k);
		return CFG_TLS_BAD;
	}
	if (x)
		tls.X509_free(x);
	tls.EVP_PKEY_free(k);
	return CFG_TLS_OK;
}
