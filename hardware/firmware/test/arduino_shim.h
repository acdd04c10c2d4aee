/* Just enough of the Arduino API to compile nova_board.ino on the host (syntax and types only:
 * the sketch's framing is what the vectors test; its pin logic runs on the board). */
#ifndef ARDUINO_SHIM_H
#define ARDUINO_SHIM_H
#include <stddef.h>
#include <stdint.h>
#define HIGH 1
#define LOW 0
#define INPUT_PULLUP 2
#define OUTPUT 1
#define A0 14
#define A1 15
#define A2 16
#define A3 17
struct SerialPort {
    void begin(unsigned long) {}
    int available() { return 0; }
    int read() { return -1; }
    size_t write(const uint8_t *, size_t n) { return n; }
};
static SerialPort Serial;
static inline void pinMode(uint8_t, uint8_t) {}
static inline int digitalRead(uint8_t) { return HIGH; }
static inline void analogWrite(uint8_t, int) {}
static inline int analogRead(uint8_t) { return 0; }
static inline void tone(uint8_t, unsigned int, unsigned long) {}
static inline unsigned long millis() { return 0; }
static inline void delay(unsigned long) {}
template <typename T> static inline T max(T a, T b) { return a > b ? a : b; }
#endif
