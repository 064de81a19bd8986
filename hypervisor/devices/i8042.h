/*
 * i8042.h - the PC's keyboard controller (an 8042-compatible "KBC") and the PS/2 keyboard
 * behind it, as a guest sees them: port 0x60 (data) and port 0x64 (status on a read, a
 * controller command on a write). The auxiliary (PS/2 mouse) port works, with nothing
 * plugged into it.
 *
 *   guest --0x64 command--> controller: command byte (RAM 0), output port, self tests
 *   guest --0x60 data-----> a command's data byte, else the keyboard (its commands)
 *   guest <-0x60 data------ output buffer (one byte) <- controller replies, then keyboard
 *                                 |                    bytes (set 2 -> 1 when translating)
 *                                 `--> IRQ 1 (keyboard byte) / IRQ 12 (aux byte), when the
 *                                      command byte enables them
 *
 * What Linux's drivers/input/serio/i8042.c and atkbd.c ask of it: a status register that
 * reads as a controller (not 0xFF), command byte read and write, self test 0x55, the
 * interface tests 0x00, the aux port's loopback (0xD3) with IRQ 12, keyboard ID 0xAB 0x83
 * and ACKs for its setup commands. A byte sent to the absent mouse (0xD4) comes back as
 * 0xFE with the time-out bit, so psmouse gives up at once instead of waiting.
 *
 * The model is pure: no time, no I/O. The keyboard sends no scan codes (no keys exist:
 * input reaches the guest through its UART), only its replies. Writes are taken at once,
 * so the input buffer is never full. A byte waiting for the output buffer moves in when
 * the platform calls i8042_service(), after it has shown the IRQ lines to the interrupt
 * controllers: each byte raises its IRQ line anew, as the real controller's does (the
 * line drops when the guest reads port 0x60 and rises with the next byte). The gate A20
 * bit of the output port is kept but masks nothing (guest RAM never wraps at 1 MiB).
 * See: IBM PS/2 Hardware Interface Technical Reference, "Keyboard/Auxiliary Device
 * Controller" (status register, command byte, commands, output port) and "Keyboard"
 * (keyboard commands and responses).
 */
#ifndef HVLAB_DEVICES_I8042_H
#define HVLAB_DEVICES_I8042_H

#include <stdbool.h>
#include <stdint.h>

#define I8042_DATA_PORT    0x60u
#define I8042_COMMAND_PORT 0x64u /* status register on a read */
#define I8042_KBD_IRQ      1u
#define I8042_AUX_IRQ      12u

/* Status register (port 0x64, read). */
#define I8042_STR_OBF       0x01u /* output buffer full: port 0x60 has a byte */
#define I8042_STR_IBF       0x02u /* input buffer full (never: writes are taken at once) */
#define I8042_STR_SYS       0x04u /* system flag: the command byte's SYS bit */
#define I8042_STR_CMD       0x08u /* the last write was to port 0x64 (a command) */
#define I8042_STR_UNLOCKED  0x10u /* keyboard not inhibited (keylock switch open) */
#define I8042_STR_AUX_DATA  0x20u /* the byte in the output buffer is from the aux port */
#define I8042_STR_TIMEOUT   0x40u /* the device did not answer (set with its byte) */
#define I8042_STR_PARITY    0x80u /* parity error (never) */
#define I8042_STR_BYTE_BITS (I8042_STR_AUX_DATA | I8042_STR_TIMEOUT) /* kept per byte */

/* Command byte (controller RAM byte 0). */
#define I8042_CTR_KBD_INT     0x01u /* IRQ 1 when a keyboard byte is in the buffer */
#define I8042_CTR_AUX_INT     0x02u /* IRQ 12 when an aux byte is in the buffer */
#define I8042_CTR_SYS         0x04u /* system flag (set after a passed self test) */
#define I8042_CTR_KBD_DISABLE 0x10u /* keyboard interface off: its bytes wait */
#define I8042_CTR_AUX_DISABLE 0x20u /* aux interface off */
#define I8042_CTR_TRANSLATE   0x40u /* translate keyboard bytes from scan code set 2 to 1 */
/* What a PC's firmware leaves: keyboard on with IRQ 1 and translation, mouse port off. */
#define I8042_CTR_FIRMWARE                                                                     \
    (I8042_CTR_KBD_INT | I8042_CTR_SYS | I8042_CTR_AUX_DISABLE | I8042_CTR_TRANSLATE)

/* Controller commands (port 0x64, write). */
#define I8042_CMD_READ_RAM      0x20u /* 0x20-0x3F: read RAM byte (cmd & 0x1F); 0x20: CTR */
#define I8042_CMD_WRITE_RAM     0x60u /* 0x60-0x7F: write RAM byte with the next data byte */
#define I8042_CMD_RAM_RANGE_END 0x1Fu /* the RAM byte's index in those commands */
#define I8042_RAM_SIZE          32u
#define I8042_CMD_AUX_DISABLE   0xA7u
#define I8042_CMD_AUX_ENABLE    0xA8u
#define I8042_CMD_AUX_TEST      0xA9u /* aux interface test: 0x00 = no error */
#define I8042_CMD_SELF_TEST     0xAAu /* controller self test: 0x55 = passed */
#define I8042_CMD_KBD_TEST      0xABu /* keyboard interface test: 0x00 = no error */
#define I8042_CMD_KBD_DISABLE   0xADu
#define I8042_CMD_KBD_ENABLE    0xAEu
#define I8042_CMD_READ_OUTPUT   0xD0u /* read the output port */
#define I8042_CMD_WRITE_OUTPUT  0xD1u /* write the output port with the next data byte */
#define I8042_CMD_WRITE_KBD_OUT 0xD2u /* the next data byte comes back as if from the kbd */
#define I8042_CMD_WRITE_AUX_OUT 0xD3u /* ... as if from the aux device (loopback) */
#define I8042_CMD_WRITE_AUX     0xD4u /* the next data byte goes to the aux device */
#define I8042_CMD_PULSE         0xF0u /* 0xF0-0xFF: pulse output lines whose bit is 0 */
#define I8042_PULSE_LINES       0x0Fu /* the lines a pulse command names (output port 3:0) */
#define I8042_CMD_CPU_RESET     0xFEu /* pulse line 0 only: the usual reset */
#define I8042_SELF_TEST_PASSED  0x55u
#define I8042_INTERFACE_OK      0x00u

/* Output port (0xD0 / 0xD1). */
#define I8042_OUT_RESET_HIGH 0x01u /* CPU reset line, active low: 0 resets the machine */
#define I8042_OUT_A20        0x02u /* gate A20 */
#define I8042_OUT_KBD_IRQ    0x10u /* IRQ 1 line (read only: from the buffer's state) */
#define I8042_OUT_AUX_IRQ    0x20u /* IRQ 12 line (read only) */
#define I8042_OUT_LINES_IDLE 0xCCu /* aux and keyboard clock and data lines high */
#define I8042_OUT_POWER_ON   (I8042_OUT_LINES_IDLE | I8042_OUT_A20 | I8042_OUT_RESET_HIGH)

/* Keyboard commands (port 0x60 with no controller command waiting for a data byte). */
#define KBD_CMD_SET_LEDS    0xEDu /* + a data byte: LED bits 2:0 */
#define KBD_CMD_ECHO        0xEEu
#define KBD_CMD_SCAN_SET    0xF0u /* + a data byte: 0 = report the set, 1-3 = select it */
#define KBD_CMD_IDENTIFY    0xF2u
#define KBD_CMD_TYPEMATIC   0xF3u /* + a data byte: repeat rate and delay */
#define KBD_CMD_ENABLE      0xF4u /* start scanning */
#define KBD_CMD_DISABLE     0xF5u /* defaults, stop scanning */
#define KBD_CMD_DEFAULTS    0xF6u
#define KBD_CMD_RESEND      0xFEu /* send the last byte again */
#define KBD_CMD_RESET       0xFFu /* defaults, then the basic assurance test */
/* Keyboard replies. */
#define KBD_REPLY_ACK       0xFAu
#define KBD_REPLY_RESEND    0xFEu /* "unknown command" as well */
#define KBD_REPLY_BAT_OK    0xAAu /* basic assurance test passed */
#define KBD_REPLY_ECHO      0xEEu
#define KBD_ID_FIRST        0xABu /* a MF2 keyboard: 0xAB 0x83 */
#define KBD_ID_SECOND       0x83u
#define KBD_SCAN_SET_REPORT 0x00u /* KBD_CMD_SCAN_SET's data byte asking which set */
#define KBD_SCAN_SET_MAX    3u
#define KBD_SCAN_SET_PC_AT  2u /* the set a keyboard starts in */
#define KBD_LED_BITS        0x07u
#define KBD_TYPEMATIC_BITS  0x7Fu
#define KBD_TYPEMATIC_RESET 0x2Bu /* 10.9 characters/s after 500 ms */

/* The absent mouse: a byte for it comes back as this, with I8042_STR_TIMEOUT. */
#define I8042_AUX_NO_DEVICE 0xFEu

#define I8042_QUEUE_SIZE 16u /* a PS/2 keyboard buffers 16 bytes */

/* A byte on its way to the output buffer, with the status bits it brings along. */
struct i8042_byte {
    uint8_t value;
    uint8_t status; /* I8042_STR_AUX_DATA, I8042_STR_TIMEOUT */
};

struct i8042_queue {
    struct i8042_byte bytes[I8042_QUEUE_SIZE];
    uint8_t head, count;
};

struct ps2_keyboard {
    struct i8042_queue out; /* replies on their way to the controller */
    uint8_t awaiting;       /* a command that takes a data byte, or 0 */
    uint8_t leds;           /* KBD_LED_BITS as last set */
    uint8_t typematic;      /* KBD_TYPEMATIC_BITS as last set */
    uint8_t scan_set;       /* 1-3 */
    bool scanning;          /* enabled (it would send scan codes, if it had keys) */
    uint8_t last_sent;      /* for KBD_CMD_RESEND */
};

struct i8042 {
    uint8_t ram[I8042_RAM_SIZE]; /* ram[0] is the command byte */
    uint8_t output_port;         /* as last written (the IRQ bits are computed) */
    uint8_t awaiting;            /* a controller command waiting for its data byte, or 0 */
    bool last_write_command;     /* I8042_STR_CMD */
    bool full;                   /* the output buffer holds `buffer` */
    struct i8042_byte buffer;
    struct i8042_queue replies; /* the controller's own bytes: before the keyboard's */
    struct ps2_keyboard kbd;
};

/* The state a PC's firmware leaves: command byte I8042_CTR_FIRMWARE, output port at
 * power-on, buffers empty, the keyboard reset (scan set 2, scanning). */
void i8042_reset(struct i8042 *kbc);

/* Guest read of port 0x60 (the output buffer; it is empty afterwards) or 0x64 (status). */
uint8_t i8042_port_read(struct i8042 *kbc, uint16_t port);

/* Guest write to port 0x60 or 0x64. Returns true if it pulsed or held the CPU reset line
 * low (command 0xFE, any 0xF0-0xFF with bit 0 clear, an output port write with bit 0
 * clear): the caller resets (ends) the machine. */
bool i8042_port_write(struct i8042 *kbc, uint16_t port, uint8_t value);

/* Move the next waiting byte into an empty output buffer (controller replies first, then
 * the keyboard's while its interface is on). Returns true if one moved. */
bool i8042_service(struct i8042 *kbc);

/* The levels of the IRQ 1 and IRQ 12 lines. */
bool i8042_kbd_irq(const struct i8042 *kbc);
bool i8042_aux_irq(const struct i8042 *kbc);

#endif
