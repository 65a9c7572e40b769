/*
 * dns_name.h - a domain name in DNS wire format (RFC 1035 section 3.1):
 * one rule for the configuration (DNS_CHECK name) and the checker's query.
 */
#ifndef DD_DNS_NAME_H
#define DD_DNS_NAME_H

#include <stddef.h>
#include <stdint.h>

/* the longest name in wire format, the root label included (RFC 1035
 * section 2.3.4): 253 characters as text */
#define DNS_NAME_WIRE_MAX 255

/**
 * dns_name_encode - write @name as length-prefixed labels ending with the
 * root label.
 * @buf: output
 * @len: size of @buf
 * @name: "." (or "") for the root, else labels of 1 to 63 characters
 *        separated by single dots, a final dot optional
 * Returns the encoded length, or -1 for a name that breaks those rules, is
 * longer than DNS_NAME_WIRE_MAX encoded, or does not fit @len.
 */
int dns_name_encode(uint8_t *buf, size_t len, const char *name);

#endif
