/*
 * fuzz_notice.c - libFuzzer target for the opt-out notice detector.
 *
 * licit_notice_detect() takes any bytes from untrusted posts. This target
 * checks that no input crashes it, reads out of bounds (ASan), or triggers
 * undefined behaviour (UBSan), and that its result is self-consistent.
 *
 * libFuzzer build and run:
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
 *         tests/fuzz/fuzz_notice.c src/notice/notice.c -o fuzz_notice
 *   ./fuzz_notice -max_total_time=60 -max_len=20000 tests/fuzz/corpus/notice
 *
 * Plain build (no libFuzzer, e.g. for ordinary CI): define
 * LICIT_FUZZ_STANDALONE and pass files to replay:
 *   cc -std=c11 -DLICIT_FUZZ_STANDALONE -Isrc tests/fuzz/fuzz_notice.c \
 *      src/notice/notice.c -o fuzz_notice && ./fuzz_notice tests/fuzz/corpus/notice/ *
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "notice/notice.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Copy into an exact-size heap block so ASan catches any read past
     * the end (the fuzzer's own buffer may have slack). */
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    if (size)
        memcpy(text, data, size);

    licit_notice_result r;
    int flagged = licit_notice_detect(text, size, &r);

    if (flagged != (r.score >= r.threshold))
        abort();
    if (r.n_matched < 0 || r.n_matched > LICIT_NOTICE_MAX_MATCHED)
        abort();
    for (int i = 0; i < LICIT_NOTICE_MAX_MATCHED; i++)
        if ((i < r.n_matched) != (r.matched[i] != NULL))
            abort();
    if ((r.n_matched == 0) && r.family != NULL)
        abort();
    if (r.quoted < 0) /* points left out for quotations: never negative */
        abort();
    /* Deterministic, and `out` is optional. */
    if (licit_notice_detect(text, size, NULL) != flagged)
        abort();

    free(text);
    return 0;
}

#ifdef LICIT_FUZZ_STANDALONE
#include <stdio.h>

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            return 1;
        }
        static uint8_t buf[1 << 20];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, n);
    }
    printf("replayed %d inputs\n", argc - 1);
    return 0;
}
#endif
