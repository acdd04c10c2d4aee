/* Nova kiosk board protocol: COBS framing and CRC-16/CCITT-FALSE (see hardware/PROTOCOL.md).
 * Plain C99, no allocation: the same file builds for the AVR/ARM board and for the host tests. */
#ifndef NOVA_FRAMING_H
#define NOVA_FRAMING_H

#include <stddef.h>
#include <stdint.h>

#define NB_MAX_PAYLOAD 60
#define NB_MAX_BODY (NB_MAX_PAYLOAD + 4)
#define NB_MAX_ENCODED (NB_MAX_BODY + 2)
#define NB_MAX_WIRE (NB_MAX_ENCODED + 2)

enum nb_type {
    NB_HELLO = 0x01, NB_BUTTON = 0x02, NB_HEARTBEAT = 0x03, NB_ERROR = 0x04, NB_ACK = 0x05,
    NB_SELFTEST_RESULT = 0x06,
    NB_HELLO_REQUEST = 0x81, NB_SET_LED = 0x82, NB_BUZZ = 0x83, NB_SELFTEST = 0x84
};

enum nb_status { NB_OK = 0, NB_ERR_COBS = -1, NB_ERR_SHORT = -2, NB_ERR_CRC = -3, NB_ERR_TYPE = -4,
                 NB_ERR_LENGTH = -5, NB_ERR_OVERRUN = -6, NB_ERR_VALUE = -7 };

#define NB_MAX_BUTTONS 16
#define NB_MAX_LEDS 16

uint16_t nb_crc16(const uint8_t *data, size_t len, uint16_t crc);
size_t nb_cobs_encode(const uint8_t *in, size_t len, uint8_t *out);
int nb_cobs_decode(const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *out_len);
int nb_payload_size(uint8_t type);

/* Whole frame on the wire: 0x00, COBS(type seq payload crc_hi crc_lo), 0x00. Returns its length. */
size_t nb_frame_encode(uint8_t type, uint8_t seq, const uint8_t *payload, size_t plen, uint8_t *out);
/* The bytes between two delimiters -> type, seq, payload. Returns NB_OK or an NB_ERR_*. */
int nb_frame_decode(const uint8_t *encoded, size_t len, uint8_t *type, uint8_t *seq, uint8_t *payload,
                    size_t *plen);

/* Byte-at-a-time receiver for the firmware's serial loop. */
typedef struct {
    uint8_t buf[NB_MAX_ENCODED];
    size_t len;
    int overrun;
} nb_rx;

void nb_rx_init(nb_rx *rx);
/* Feed one byte. Returns 1 and fills the outputs when a valid frame completes, 0 when more bytes
 * are needed, or a negative NB_ERR_* when a frame was dropped. */
int nb_rx_feed(nb_rx *rx, uint8_t byte, uint8_t *type, uint8_t *seq, uint8_t *payload, size_t *plen);

#endif
