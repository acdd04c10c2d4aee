// Nova kiosk button/LED/buzzer board — reference firmware (Arduino, e.g. Leonardo / Pro Micro / Nano).
// Protocol: hardware/PROTOCOL.md. Framing and CRC live in framing.c, which the host tests compile
// with gcc against the Python side's vectors; this file is the board's behaviour around them.
//
// Wiring: buttons on BUTTON_PINS to ground (internal pull-ups); LEDs on PWM pins through resistors,
// each LED's cathode current sensed on LED_SENSE_PINS (a 10 Ω shunt); a piezo buzzer on BUZZER_PIN.
extern "C" {
#include "framing.h"
}

static const uint8_t PROTOCOL_MAJOR = 1, PROTOCOL_MINOR = 0;
static const uint8_t FW_MAJOR = 1, FW_MINOR = 0, FW_PATCH = 0;
static const uint8_t BUTTON_PINS[] = {2, 3, 4, 5};
static const uint8_t LED_PINS[] = {6, 9, 10, 11};
static const uint8_t LED_SENSE_PINS[] = {A0, A1, A2, A3};
static const uint8_t BUZZER_PIN = 8;
static const uint8_t BUTTONS = sizeof BUTTON_PINS, LEDS = sizeof LED_PINS;
static const uint16_t DEBOUNCE_MS = 5, HEARTBEAT_MS = 500;

static nb_rx rx;
static uint8_t tx_seq = 0, flags = 0;
static uint16_t rx_errors = 0;
static bool stable[BUTTONS], raw_last[BUTTONS];
static uint32_t changed_at[BUTTONS], last_heartbeat = 0, buzz_until = 0;
static uint16_t blink_ms[LEDS];
static uint8_t level[LEDS];

static void put32(uint8_t *p, uint32_t v) { p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24; }
static void put16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }

static void send(uint8_t type, const uint8_t *payload, size_t len) {
  uint8_t wire[NB_MAX_WIRE];
  size_t n = nb_frame_encode(type, tx_seq++, payload, len, wire);
  Serial.write(wire, n);
}

static uint8_t board_id_byte(uint8_t i) {
  // A real board reads its unique id (e.g. the ATmega's signature row or an EEPROM-provisioned serial).
  static const uint8_t id[8] = {'N', 'O', 'V', 'A', 0, 0, 0, 1};
  return id[i];
}

static void send_hello() {
  uint8_t p[15] = {PROTOCOL_MAJOR, PROTOCOL_MINOR, FW_MAJOR, FW_MINOR, FW_PATCH, BUTTONS, LEDS};
  for (uint8_t i = 0; i < 8; i++) p[7 + i] = board_id_byte(i);
  send(NB_HELLO, p, sizeof p);
}

static void ack(uint8_t seq, uint8_t status) {
  uint8_t p[2] = {seq, status};
  send(NB_ACK, p, 2);
}

static void report_error(uint8_t code, uint8_t detail) {
  uint8_t p[2] = {code, detail};
  flags |= 0x02;
  send(NB_ERROR, p, 2);
}

static void self_test(uint8_t seq) {
  uint16_t buttons_ok = 0, leds_ok = 0;
  for (uint8_t i = 0; i < BUTTONS; i++) {
    if (digitalRead(BUTTON_PINS[i]) == HIGH) buttons_ok |= 1 << i;  // idle line pulled up: not stuck low
  }
  for (uint8_t i = 0; i < LEDS; i++) {
    analogWrite(LED_PINS[i], 255);
    delay(20);
    if (analogRead(LED_SENSE_PINS[i]) > 40) leds_ok |= 1 << i;  // current flows through the LED
    analogWrite(LED_PINS[i], level[i]);
  }
  uint8_t p[4];
  put16(p, buttons_ok);
  put16(p + 2, leds_ok);
  ack(seq, 0);
  send(NB_SELFTEST_RESULT, p, 4);
}

static void handle(uint8_t type, uint8_t seq, const uint8_t *p) {
  switch (type) {
    case NB_HELLO_REQUEST:
      if (p[0] != PROTOCOL_MAJOR) { ack(seq, 6); return; }
      send_hello();
      return;
    case NB_SET_LED:
      if (p[0] >= LEDS) { ack(seq, 3); return; }
      level[p[0]] = max(p[1], max(p[2], p[3]));  // single-colour LEDs: brightness of the brightest channel
      blink_ms[p[0]] = p[4] | (p[5] << 8);
      analogWrite(LED_PINS[p[0]], level[p[0]]);
      ack(seq, 0);
      return;
    case NB_BUZZ: {
      uint16_t hz = p[0] | (p[1] << 8), ms = p[2] | (p[3] << 8);
      tone(BUZZER_PIN, hz, ms);
      buzz_until = millis() + ms;
      flags |= 0x01;
      ack(seq, 0);
      return;
    }
    case NB_SELFTEST:
      self_test(seq);
      return;
    default:
      report_error(2, type);
  }
}

void setup() {
  Serial.begin(115200);
  for (uint8_t i = 0; i < BUTTONS; i++) {
    pinMode(BUTTON_PINS[i], INPUT_PULLUP);
    stable[i] = raw_last[i] = false;
  }
  for (uint8_t i = 0; i < LEDS; i++) pinMode(LED_PINS[i], OUTPUT);
  pinMode(BUZZER_PIN, OUTPUT);
  nb_rx_init(&rx);
  send_hello();  // announce ourselves; the host also asks after it opens the port
}

void loop() {
  uint32_t now = millis();
  while (Serial.available() > 0) {
    uint8_t type, seq, payload[NB_MAX_PAYLOAD];
    size_t len;
    int status = nb_rx_feed(&rx, (uint8_t)Serial.read(), &type, &seq, payload, &len);
    if (status == 1) handle(type, seq, payload);
    else if (status < 0) {
      rx_errors++;
      report_error(status == NB_ERR_CRC ? 1 : status == NB_ERR_TYPE ? 2 : status == NB_ERR_OVERRUN ? 4 : 3, 0);
    }
  }
  for (uint8_t i = 0; i < BUTTONS; i++) {  // debounce: a level must hold DEBOUNCE_MS before it counts
    bool pressed = digitalRead(BUTTON_PINS[i]) == LOW;
    if (pressed != raw_last[i]) { raw_last[i] = pressed; changed_at[i] = now; }
    if (pressed != stable[i] && now - changed_at[i] >= DEBOUNCE_MS) {
      stable[i] = pressed;
      uint8_t p[6] = {i, (uint8_t)pressed};
      put32(p + 2, changed_at[i]);  // when the press began, not when the debounce ended
      send(NB_BUTTON, p, 6);
    }
  }
  for (uint8_t i = 0; i < LEDS; i++) {
    if (blink_ms[i]) analogWrite(LED_PINS[i], (now / blink_ms[i]) % 2 ? 0 : level[i]);
  }
  if ((flags & 0x01) && (int32_t)(now - buzz_until) >= 0) flags &= ~0x01;
  if (now - last_heartbeat >= HEARTBEAT_MS) {
    last_heartbeat = now;
    uint8_t p[7];
    put32(p, now);
    p[4] = flags;
    put16(p + 5, rx_errors);
    send(NB_HEARTBEAT, p, 7);
  }
}
