#include "framing.h"

uint16_t nb_crc16(const uint8_t *data, size_t len, uint16_t crc) {
    for (size_t i = 0; i < len; i++) {
        crc ^= (uint16_t)data[i] << 8;
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
        }
    }
    return crc;
}

size_t nb_cobs_encode(const uint8_t *in, size_t len, uint8_t *out) {
    size_t code_at = 0, n = 1;
    uint8_t code = 1;
    for (size_t i = 0; i < len; i++) {
        if (in[i] == 0) {
            out[code_at] = code;
            code_at = n++;
            code = 1;
            continue;
        }
        out[n++] = in[i];
        code++;
        if (code == 0xFF && i + 1 < len) {
            out[code_at] = code;
            code_at = n++;
            code = 1;
        }
    }
    out[code_at] = code;
    return n;
}

int nb_cobs_decode(const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *out_len) {
    size_t i = 0, n = 0;
    while (i < len) {
        uint8_t code = in[i];
        if (code == 0) return NB_ERR_COBS;
        size_t end = i + code;
        if (end > len) return NB_ERR_COBS;
        for (size_t j = i + 1; j < end; j++) {
            if (in[j] == 0 || n >= cap) return NB_ERR_COBS;
            out[n++] = in[j];
        }
        i = end;
        if (code < 0xFF && i < len) {
            if (n >= cap) return NB_ERR_COBS;
            out[n++] = 0;
        }
    }
    *out_len = n;
    return NB_OK;
}

int nb_payload_size(uint8_t type) {
    switch (type) {
        case NB_HELLO: return 15;
        case NB_BUTTON: return 6;
        case NB_HEARTBEAT: return 7;
        case NB_ERROR: return 2;
        case NB_ACK: return 2;
        case NB_SELFTEST_RESULT: return 4;
        case NB_HELLO_REQUEST: return 2;
        case NB_SET_LED: return 6;
        case NB_BUZZ: return 4;
        case NB_SELFTEST: return 0;
        default: return -1;
    }
}

/* Field checks after the CRC (PROTOCOL.md, "Integrity"): values with few legal settings. */
static int nb_fields_valid(uint8_t type, const uint8_t *p) {
    switch (type) {
        case NB_BUTTON: return p[0] < NB_MAX_BUTTONS && p[1] <= 1;
        case NB_HEARTBEAT: return (p[4] & ~0x03) == 0;
        case NB_ERROR: return p[0] >= 1 && p[0] <= 6;
        case NB_ACK: return p[1] <= 6;
        case NB_HELLO: return p[5] <= NB_MAX_BUTTONS && p[6] <= NB_MAX_LEDS;
        case NB_SET_LED: return p[0] < NB_MAX_LEDS;
        default: return 1;
    }
}

size_t nb_frame_encode(uint8_t type, uint8_t seq, const uint8_t *payload, size_t plen, uint8_t *out) {
    uint8_t body[NB_MAX_BODY];
    if (plen > NB_MAX_PAYLOAD) plen = NB_MAX_PAYLOAD;
    body[0] = type;
    body[1] = seq;
    for (size_t i = 0; i < plen; i++) body[2 + i] = payload[i];
    uint16_t crc = nb_crc16(body, plen + 2, 0xFFFF);
    body[plen + 2] = (uint8_t)(crc >> 8);
    body[plen + 3] = (uint8_t)(crc & 0xFF);
    out[0] = 0;
    size_t n = nb_cobs_encode(body, plen + 4, out + 1);
    out[n + 1] = 0;
    return n + 2;
}

int nb_frame_decode(const uint8_t *encoded, size_t len, uint8_t *type, uint8_t *seq, uint8_t *payload,
                    size_t *plen) {
    uint8_t raw[NB_MAX_ENCODED];
    size_t n = 0;
    if (nb_cobs_decode(encoded, len, raw, sizeof raw, &n) != NB_OK) return NB_ERR_COBS;
    if (n < 4) return NB_ERR_SHORT;
    uint16_t check = (uint16_t)((raw[n - 2] << 8) | raw[n - 1]);
    if (nb_crc16(raw, n - 2, 0xFFFF) != check) return NB_ERR_CRC;
    int size = nb_payload_size(raw[0]);
    if (size < 0) return NB_ERR_TYPE;
    if ((size_t)size != n - 4) return NB_ERR_LENGTH;
    if (!nb_fields_valid(raw[0], raw + 2)) return NB_ERR_VALUE;
    *type = raw[0];
    *seq = raw[1];
    for (size_t i = 0; i < (size_t)size; i++) payload[i] = raw[2 + i];
    *plen = (size_t)size;
    return NB_OK;
}

void nb_rx_init(nb_rx *rx) {
    rx->len = 0;
    rx->overrun = 0;
}

int nb_rx_feed(nb_rx *rx, uint8_t byte, uint8_t *type, uint8_t *seq, uint8_t *payload, size_t *plen) {
    if (byte != 0) {
        if (rx->overrun) return 0;
        if (rx->len >= sizeof rx->buf) {
            rx->overrun = 1;
            rx->len = 0;
            return 0;
        }
        rx->buf[rx->len++] = byte;
        return 0;
    }
    if (rx->overrun) {
        rx->overrun = 0;
        return NB_ERR_OVERRUN;
    }
    if (rx->len == 0) return 0;
    int status = nb_frame_decode(rx->buf, rx->len, type, seq, payload, plen);
    rx->len = 0;
    return status == NB_OK ? 1 : status;
}
