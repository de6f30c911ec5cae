#!/usr/bin/env python3
"""Merkle test vectors for tests/unit/test_merkle.c, derived straight from
the definitions of RFC 9162 section 2.1.1 (MTH) and 2.1.3.1 (PATH), written
as the RFC writes them (recursion on D[0:k] and D[k:n]), independently of
licit's C code.

Leaves: for i in 0..n-1 the SPEC section 5 leaf string of post "p%02d" % i
with text "text %d" % i:  id + "\\n" + sha256hex(text) + "\\n".

Output, one record per line:
  root N HEX                  MTH of the first N leaves, N = 0..17
  path N M HEX HEX ...        PATH(M, D[0:N]) for every M < N, N = 1..17
Run: python3 merkle_vectors.py > merkle_vectors.txt
"""
import hashlib


def sha(b):
    return hashlib.sha256(b).digest()


def leaf(i):
    text = ("text %d" % i).encode()
    return ("p%02d" % i).encode() + b"\n" + sha(text).hex().encode() + b"\n"


def largest_pow2_below(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d):
    n = len(d)
    if n == 0:
        return sha(b"")
    if n == 1:
        return sha(b"\x00" + d[0])
    k = largest_pow2_below(n)
    return sha(b"\x01" + mth(d[:k]) + mth(d[k:]))


def path(m, d):
    n = len(d)
    if n == 1:
        return []
    k = largest_pow2_below(n)
    if m < k:
        return path(m, d[:k]) + [mth(d[k:])]
    return path(m - k, d[k:]) + [mth(d[:k])]


def main():
    leaves = [leaf(i) for i in range(17)]
    for n in range(0, 18):
        print("root %d %s" % (n, mth(leaves[:n]).hex()))
    for n in range(1, 18):
        for m in range(n):
            print(" ".join(["path", str(n), str(m)] + [h.hex() for h in path(m, leaves[:n])]))


if __name__ == "__main__":
    main()
