/* Host build of the firmware's framing, checked against the Python side's vectors.
 *   gcc -std=c99 -Wall -Wextra -Werror -I../nova_board test_framing.c ../nova_board/framing.c -o test_framing
 *   ./test_framing vectors.txt
 * Prints one line per failure and a summary; exits 1 on any failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "framing.h"

static int failures = 0, checks = 0;

static size_t unhex(const char *text, uint8_t *out, size_t cap) {
    if (strcmp(text, "-") == 0) return 0;
    size_t n = strlen(text) / 2;
    if (n > cap) {
        fprintf(stderr, "vector too long\n");
        exit(2);
    }
    for (size_t i = 0; i < n; i++) {
        unsigned int byte;
        sscanf(text + 2 * i, "%2x", &byte);
        out[i] = (uint8_t)byte;
    }
    return n;
}

static void expect(int ok, const char *what, int line) {
    checks++;
    if (!ok) {
        failures++;
        printf("FAIL line %d: %s\n", line, what);
    }
}

static int kind_code(const char *kind) {
    if (strcmp(kind, "cobs") == 0) return NB_ERR_COBS;
    if (strcmp(kind, "short") == 0) return NB_ERR_SHORT;
    if (strcmp(kind, "crc") == 0) return NB_ERR_CRC;
    if (strcmp(kind, "type") == 0) return NB_ERR_TYPE;
    if (strcmp(kind, "length") == 0) return NB_ERR_LENGTH;
    if (strcmp(kind, "value") == 0) return NB_ERR_VALUE;
    return 99;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s vectors.txt\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    static char line[4096], a[2048], b[2048], c[2048], d[2048];
    static uint8_t x[1024], y[1024], z[1024], stream[8192];
    size_t stream_len = 0;
    int frames_expected = 0, number = 0;
    while (fgets(line, sizeof line, f)) {
        number++;
        if (line[0] == '#') continue;
        if (sscanf(line, "crc %2047s %2047s", a, b) == 2) {
            size_t n = unhex(a, x, sizeof x);
            expect(nb_crc16(x, n, 0xFFFF) == (uint16_t)strtoul(b, NULL, 16), "crc", number);
        } else if (sscanf(line, "cobs %2047s %2047s", a, b) == 2) {
            size_t n = unhex(a, x, sizeof x), m = unhex(b, y, sizeof y), got = 0;
            size_t e = nb_cobs_encode(x, n, z);
            expect(e == m && memcmp(z, y, m) == 0, "cobs encode", number);
            int status = nb_cobs_decode(y, m, z, sizeof z, &got);
            expect(status == NB_OK && got == n && memcmp(z, x, n) == 0, "cobs decode", number);
        } else if (sscanf(line, "frame %2047s %2047s %2047s %2047s", a, b, c, d) == 4) {
            uint8_t type = (uint8_t)strtoul(a, NULL, 16), seq = (uint8_t)strtoul(b, NULL, 16);
            size_t plen = unhex(c, x, sizeof x), wlen = unhex(d, y, sizeof y);
            size_t e = nb_frame_encode(type, seq, x, plen, z);
            expect(e == wlen && memcmp(z, y, wlen) == 0, "frame encode", number);
            uint8_t t2 = 0, s2 = 0, p2[NB_MAX_PAYLOAD];
            size_t l2 = 0;
            int status = nb_frame_decode(y + 1, wlen - 2, &t2, &s2, p2, &l2);
            expect(status == NB_OK && t2 == type && s2 == seq && l2 == plen && memcmp(p2, x, plen) == 0,
                   "frame decode", number);
            memcpy(stream + stream_len, "\x13\x37noise", 7);  /* garbage between frames must not matter */
            stream_len += 7;
            memcpy(stream + stream_len, y, wlen);
            stream_len += wlen;
            frames_expected++;
        } else if (sscanf(line, "bad %2047s %2047s", a, b) == 2) {
            size_t n = unhex(a, x, sizeof x), plen = 0;
            uint8_t t = 0, s = 0, p[NB_MAX_PAYLOAD];
            expect(nb_frame_decode(x, n, &t, &s, p, &plen) == kind_code(b), "bad frame refused with its kind", number);
        }
    }
    fclose(f);
    /* The byte-at-a-time receiver finds every frame in the noisy stream, and nothing else. */
    nb_rx rx;
    nb_rx_init(&rx);
    int found = 0;
    for (size_t i = 0; i < stream_len; i++) {
        uint8_t t, s, p[NB_MAX_PAYLOAD];
        size_t plen;
        if (nb_rx_feed(&rx, stream[i], &t, &s, p, &plen) == 1) found++;
    }
    expect(found == frames_expected, "receiver finds every frame in a noisy stream", number);
    /* An overlong run is dropped as an overrun, and the next frame still comes through. */
    nb_rx_init(&rx);
    int overruns = 0;
    for (int i = 0; i < 200; i++) {
        uint8_t t, s, p[NB_MAX_PAYLOAD];
        size_t plen;
        overruns += nb_rx_feed(&rx, 0x55, &t, &s, p, &plen) == NB_ERR_OVERRUN;
    }
    uint8_t t, s, p[NB_MAX_PAYLOAD], wire[NB_MAX_WIRE];
    size_t plen, wlen = nb_frame_encode(NB_BUZZ, 9, (const uint8_t *)"\xd0\x07\x96\x00", 4, wire);
    int last = 0;
    for (size_t i = 0; i < wlen; i++) {
        int r = nb_rx_feed(&rx, wire[i], &t, &s, p, &plen);
        overruns += r == NB_ERR_OVERRUN;
        if (r == 1) last = 1;
    }
    expect(overruns == 1 && last == 1 && t == NB_BUZZ && s == 9, "overrun then resync", number);
    printf("%d checks, %d failures, %d frames\n", checks, failures, frames_expected);
    return failures ? 1 : 0;
}
