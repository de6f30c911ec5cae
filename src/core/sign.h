/*
 * sign.h — Ed25519 signatures (RFC 8032) through libcrypto.
 *
 * A key pair is kept as its 32-byte private seed; the 32-byte public key is
 * derived from it.  Signatures are 64 bytes over the exact message bytes
 * (PureEdDSA: no pre-hashing), so any Ed25519 implementation checks them,
 * for example `openssl pkeyutl -verify -rawin`.
 *
 * With hash.c, the only module that includes the crypto library.  Every
 * function is safe to call from several threads at once.
 */
#ifndef LICIT_SIGN_H
#define LICIT_SIGN_H

#include <stddef.h>
#include <stdint.h>

#define LICIT_ED25519_SEED_LEN 32
#define LICIT_ED25519_PUB_LEN 32
#define LICIT_ED25519_SIG_LEN 64

/* Makes a new key pair from the system's random source.  0, or LICIT_EIO
 * when no randomness or key could be had. */
int licit_ed25519_keygen(uint8_t seed[LICIT_ED25519_SEED_LEN], uint8_t pub[LICIT_ED25519_PUB_LEN]);

/* The public key of a seed.  0 or LICIT_EINTERNAL. */
int licit_ed25519_public(const uint8_t seed[LICIT_ED25519_SEED_LEN], uint8_t pub[LICIT_ED25519_PUB_LEN]);

/* Signs msg[0..n).  0 or LICIT_EINTERNAL. */
int licit_ed25519_sign(const uint8_t seed[LICIT_ED25519_SEED_LEN], const void *msg, size_t n,
                       uint8_t sig[LICIT_ED25519_SIG_LEN]);

/* 0 when sig is a valid signature of msg[0..n) by pub; LICIT_EINVAL when it
 * is not (or pub is not a valid point); LICIT_EINTERNAL when the library
 * failed. */
int licit_ed25519_verify(const uint8_t pub[LICIT_ED25519_PUB_LEN], const void *msg, size_t n,
                         const uint8_t sig[LICIT_ED25519_SIG_LEN]);

#endif
