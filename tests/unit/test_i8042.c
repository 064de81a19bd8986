/*
 * test_i8042.c - Host unit tests for the keyboard controller model
 * (hypervisor/devices/i8042.c), driven through its two ports the way Linux's
 * drivers/input/serio/i8042.c and atkbd.c drive them: read and write the command byte,
 * self test, interface tests, aux loopback, the keyboard's ID and setup commands, and
 * the reset line.
 * See: IBM PS/2 Hardware Interface Technical Reference, "Keyboard/Auxiliary Device
 * Controller" and "Keyboard".
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "hypervisor/devices/i8042.h"

#define DATA I8042_DATA_PORT
#define CMD  I8042_COMMAND_PORT

static struct i8042 kbc;

static int setup(void **state)
{
    (void)state;
    i8042_reset(&kbc);
    return 0;
}

static bool command(uint8_t c) { return i8042_port_write(&kbc, CMD, c); }
static bool data(uint8_t d) { return i8042_port_write(&kbc, DATA, d); }
static uint8_t status(void) { return i8042_port_read(&kbc, CMD); }

/* The next byte of the output buffer, as a driver takes it: the buffer must be full; the
 * platform then lets the next waiting byte in (i8042_service). */
static uint8_t next_byte(void)
{
    assert_true(status() & I8042_STR_OBF);
    uint8_t byte = i8042_port_read(&kbc, DATA);
    assert_false(status() & I8042_STR_OBF); /* empty until serviced */
    i8042_service(&kbc);
    return byte;
}

static void assert_empty(void) { assert_false(status() & I8042_STR_OBF); }

static uint8_t read_command_byte(void)
{
    command(I8042_CMD_READ_RAM);
    return next_byte();
}

static void write_command_byte(uint8_t ctr)
{
    command(I8042_CMD_WRITE_RAM);
    data(ctr);
}

/* ---- the controller ---------------------------------------------------------------- */

/* Linux's i8042_controller_check and init: a status that is not 0xFF, not inhibited
 * (else "Keylock active"), an empty buffer, the command byte the firmware left. */
static void test_power_on_status(void **state)
{
    (void)state;
    assert_int_equal(status(), I8042_STR_UNLOCKED | I8042_STR_SYS);
    assert_false(i8042_kbd_irq(&kbc));
    assert_false(i8042_aux_irq(&kbc));
    assert_false(i8042_service(&kbc)); /* nothing waits */
}

static void test_read_command_byte(void **state)
{
    (void)state;
    command(I8042_CMD_READ_RAM);
    assert_int_equal(status(),
                     I8042_STR_UNLOCKED | I8042_STR_SYS | I8042_STR_CMD | I8042_STR_OBF);
    assert_true(i8042_kbd_irq(&kbc)); /* KBD_INT is on: the reply raises IRQ 1 */
    assert_false(i8042_aux_irq(&kbc));
    assert_int_equal(next_byte(), I8042_CTR_FIRMWARE);
    assert_false(i8042_kbd_irq(&kbc));
    /* Read twice, it reads the same (Linux wants two equal reads). */
    assert_int_equal(read_command_byte(), I8042_CTR_FIRMWARE);
}

static void test_write_command_byte(void **state)
{
    (void)state;
    uint8_t ctr = I8042_CTR_KBD_DISABLE | I8042_CTR_TRANSLATE | I8042_CTR_AUX_DISABLE;
    command(I8042_CMD_WRITE_RAM);
    assert_true(status() & I8042_STR_CMD);
    data(ctr);
    assert_false(status() & I8042_STR_CMD); /* the last write was data */
    assert_false(status() & I8042_STR_SYS); /* SYS follows the command byte */
    assert_empty();                         /* the byte went to the controller, not the kbd */
    assert_int_equal(kbc.kbd.out.count, 0);
    assert_int_equal(read_command_byte(), ctr);
}

static void test_other_ram_bytes(void **state)
{
    (void)state;
    command(I8042_CMD_WRITE_RAM + 5);
    data(0x5A);
    command(I8042_CMD_READ_RAM + 5);
    assert_int_equal(next_byte(), 0x5A);
    assert_int_equal(read_command_byte(), I8042_CTR_FIRMWARE);
}

static void test_self_test_and_interface_tests(void **state)
{
    (void)state;
    write_command_byte(0);
    command(I8042_CMD_SELF_TEST);
    assert_int_equal(next_byte(), I8042_SELF_TEST_PASSED);
    assert_true(status() & I8042_STR_SYS); /* a passed self test sets the system flag */
    command(I8042_CMD_KBD_TEST);
    assert_int_equal(next_byte(), I8042_INTERFACE_OK);
    command(I8042_CMD_AUX_TEST);
    assert_false(status() & I8042_STR_AUX_DATA); /* the controller's answer, not aux data */
    assert_int_equal(next_byte(), I8042_INTERFACE_OK);
}

/* i8042_toggle_aux: 0xA7 / 0xA8 set and clear AUX_DISABLE, as the command byte shows. */
static void test_enable_disable_bits(void **state)
{
    (void)state;
    command(I8042_CMD_AUX_ENABLE);
    assert_false(read_command_byte() & I8042_CTR_AUX_DISABLE);
    command(I8042_CMD_AUX_DISABLE);
    assert_true(read_command_byte() & I8042_CTR_AUX_DISABLE);
    command(I8042_CMD_KBD_DISABLE);
    assert_true(read_command_byte() & I8042_CTR_KBD_DISABLE);
    command(I8042_CMD_KBD_ENABLE);
    assert_false(read_command_byte() & I8042_CTR_KBD_DISABLE);
}

/* i8042_check_aux: 0xD3 comes back as aux data; with AUX_INT it raises IRQ 12, not 1. */
static void test_aux_loopback_and_irq12(void **state)
{
    (void)state;
    command(I8042_CMD_WRITE_AUX_OUT);
    data(0x5A);
    assert_int_equal(status() & (I8042_STR_OBF | I8042_STR_AUX_DATA),
                     I8042_STR_OBF | I8042_STR_AUX_DATA);
    assert_false(i8042_aux_irq(&kbc)); /* AUX_INT is off */
    assert_false(i8042_kbd_irq(&kbc)); /* not a keyboard byte */
    assert_int_equal(next_byte(), 0x5A);

    write_command_byte(I8042_CTR_AUX_INT | I8042_CTR_KBD_INT);
    command(I8042_CMD_WRITE_AUX_OUT);
    data(0xA5);
    assert_true(i8042_aux_irq(&kbc));
    assert_false(i8042_kbd_irq(&kbc));
    assert_int_equal(next_byte(), 0xA5);
    assert_false(i8042_aux_irq(&kbc));
}

static void test_kbd_output_buffer_write(void **state)
{
    (void)state;
    command(I8042_CMD_WRITE_KBD_OUT);
    data(0x1C);
    assert_int_equal(status() & (I8042_STR_OBF | I8042_STR_AUX_DATA), I8042_STR_OBF);
    assert_true(i8042_kbd_irq(&kbc));
    assert_int_equal(next_byte(), 0x1C);
    write_command_byte(I8042_CTR_AUX_INT); /* a keyboard byte never raises IRQ 12 */
    command(I8042_CMD_WRITE_KBD_OUT);
    data(0x1C);
    assert_false(i8042_aux_irq(&kbc));
    assert_false(i8042_kbd_irq(&kbc));
}

/* Nothing is plugged into the aux port: a byte for it comes back as 0xFE with the
 * time-out bit, as aux data (psmouse aborts its command at once). */
static void test_aux_write_times_out(void **state)
{
    (void)state;
    command(I8042_CMD_WRITE_AUX);
    data(0xF2);
    assert_int_equal(status() & (I8042_STR_OBF | I8042_STR_AUX_DATA | I8042_STR_TIMEOUT),
                     I8042_STR_OBF | I8042_STR_AUX_DATA | I8042_STR_TIMEOUT);
    assert_int_equal(next_byte(), I8042_AUX_NO_DEVICE);
    assert_false(status() & I8042_STR_TIMEOUT); /* it came with that byte */
    assert_int_equal(kbc.kbd.out.count, 0);     /* the keyboard saw nothing */
}

/* A new command cancels one still waiting for its data byte: the byte goes to the
 * keyboard then. */
static void test_command_cancels_waiting_command(void **state)
{
    (void)state;
    command(I8042_CMD_WRITE_RAM);
    command(I8042_CMD_KBD_ENABLE);
    data(KBD_CMD_ECHO);
    assert_int_equal(next_byte(), KBD_REPLY_ECHO);
    assert_int_equal(read_command_byte(), I8042_CTR_FIRMWARE);
}

/* ---- the reset line ---------------------------------------------------------------- */

static void test_pulse_reset(void **state)
{
    (void)state;
    assert_true(command(I8042_CMD_CPU_RESET));     /* 0xFE: Linux's reboot=kbd */
    assert_true(command(I8042_CMD_PULSE));         /* 0xF0: all four lines, reset among them */
    assert_false(command(I8042_CMD_PULSE | 0x0F)); /* 0xFF: pulses nothing */
    assert_false(command(I8042_CMD_PULSE | 0x01)); /* 0xF1: lines 1-3, not reset */
    assert_false(command(I8042_CMD_READ_OUTPUT));  /* not a pulse */
    assert_int_equal(next_byte(), I8042_OUT_POWER_ON);
    assert_false(command(I8042_CMD_SELF_TEST));
    assert_int_equal(next_byte(), I8042_SELF_TEST_PASSED);
}

static void test_output_port(void **state)
{
    (void)state;
    command(I8042_CMD_READ_OUTPUT);
    assert_int_equal(next_byte(), I8042_OUT_POWER_ON);
    command(I8042_CMD_WRITE_OUTPUT);
    assert_false(data(I8042_OUT_POWER_ON & ~I8042_OUT_A20)); /* A20 off: no reset */
    command(I8042_CMD_READ_OUTPUT);
    assert_int_equal(next_byte(), I8042_OUT_POWER_ON & ~I8042_OUT_A20);
    /* Read while a keyboard byte is in the buffer, the IRQ 1 bit shows it. */
    command(I8042_CMD_WRITE_KBD_OUT);
    data(0x1C);
    command(I8042_CMD_READ_OUTPUT);
    assert_int_equal(next_byte(), 0x1C);
    assert_int_equal(next_byte(), (I8042_OUT_POWER_ON & ~I8042_OUT_A20) | I8042_OUT_KBD_IRQ);
    command(I8042_CMD_WRITE_OUTPUT);
    assert_true(data(I8042_OUT_POWER_ON & ~I8042_OUT_RESET_HIGH)); /* reset held low */
}

/* ---- the keyboard ------------------------------------------------------------------ */

/* atkbd_probe: ATKBD_CMD_GETID. Translated (the firmware's setting), the second byte is
 * set 2's 0x83 in set 1: 0x41; untranslated, 0x83. */
static void test_identify(void **state)
{
    (void)state;
    assert_false(data(KBD_CMD_IDENTIFY));
    assert_int_equal(next_byte(), KBD_REPLY_ACK);
    assert_int_equal(next_byte(), KBD_ID_FIRST);
    assert_int_equal(next_byte(), 0x41);
    assert_empty();

    write_command_byte(I8042_CTR_KBD_INT);
    data(KBD_CMD_IDENTIFY);
    assert_int_equal(next_byte(), KBD_REPLY_ACK);
    assert_int_equal(next_byte(), KBD_ID_FIRST);
    assert_int_equal(next_byte(), KBD_ID_SECOND);
}

static void test_reset_and_simple_commands(void **state)
{
    (void)state;
    data(KBD_CMD_RESET);
    assert_int_equal(next_byte(), KBD_REPLY_ACK);
    assert_int_equal(next_byte(), KBD_REPLY_BAT_OK);
    data(KBD_CMD_DISABLE);
    assert_int_equal(next_byte(), KBD_REPLY_ACK);
    assert_false(kbc.kbd.scanning);
    data(KBD_CMD_DEFAULTS);
    assert_int_equal(next_byte(), KBD_REPLY_ACK);
    assert_false(kbc.kbd.scanning); /* defaults do not start scanning */
    data(KBD_CMD_ENABLE);
    assert_int_equal(next_byte(), KBD_REPLY_ACK);
    assert_true(kbc.kbd.scanning);
    data(KBD_CMD_ECHO);
    assert_int_equal(next_byte(), KBD_REPLY_ECHO);
    data(0xE8); /* not a command */
    assert_int_equal(next_byte(), KBD_REPLY_RESEND);
    assert_empty();
}

/* atkbd_reset_state: LEDs and typematic rate, each a command then its data byte. */
static void test_commands_with_data_byte(void **state)
{
    (void)state;
    data(KBD_CMD_SET_LEDS);
    assert_int_equal(next_byte(), KBD_REPLY_ACK);
    data(0x07);
    assert_int_equal(next_byte(), KBD_REPLY_ACK);
    assert_int_equal(kbc.kbd.leds, 0x07);
    data(KBD_CMD_TYPEMATIC);
    assert_int_equal(next_byte(), KBD_REPLY_ACK);
    data(0x00);
    assert_int_equal(next_byte(), KBD_REPLY_ACK);
    assert_int_equal(kbc.kbd.typematic, 0x00);
    data(KBD_CMD_SET_LEDS); /* a reset puts both back */
    assert_int_equal(next_byte(), KBD_REPLY_ACK);
    data(0x02);
    assert_int_equal(next_byte(), KBD_REPLY_ACK);
    data(KBD_CMD_RESET);
    next_byte(); /* ACK */
    next_byte(); /* BAT */
    assert_int_equal(kbc.kbd.leds, 0);
    assert_int_equal(kbc.kbd.typematic, KBD_TYPEMATIC_RESET);
}

static void test_scan_set(void **state)
{
    (void)state;
    write_command_byte(I8042_CTR_KBD_INT); /* untranslated */
    data(KBD_CMD_SCAN_SET);
    assert_int_equal(next_byte(), KBD_REPLY_ACK);
    data(KBD_SCAN_SET_REPORT);
    assert_int_equal(next_byte(), KBD_REPLY_ACK);
    assert_int_equal(next_byte(), KBD_SCAN_SET_PC_AT);
    data(KBD_CMD_SCAN_SET);
    next_byte();
    data(3);
    assert_int_equal(next_byte(), KBD_REPLY_ACK);
    assert_int_equal(kbc.kbd.scan_set, 3);
    data(KBD_CMD_SCAN_SET);
    next_byte();
    data(4); /* no such set */
    assert_int_equal(next_byte(), KBD_REPLY_RESEND);
    assert_int_equal(kbc.kbd.scan_set, 3);
}

static void test_resend(void **state)
{
    (void)state;
    data(KBD_CMD_IDENTIFY);
    for (int i = 0; i < 3; i++) /* ACK and the two ID bytes */
        next_byte();
    data(KBD_CMD_RESEND);
    assert_int_equal(next_byte(), 0x41); /* the last byte again (translated) */
}

/* While the keyboard's interface is off its bytes wait in the keyboard; the controller's
 * own replies still come. Enabling it lets them in, in order. */
static void test_disabled_keyboard_holds_bytes(void **state)
{
    (void)state;
    command(I8042_CMD_KBD_DISABLE);
    data(KBD_CMD_RESET);
    assert_empty();
    assert_false(i8042_service(&kbc));
    command(I8042_CMD_SELF_TEST);
    assert_int_equal(next_byte(), I8042_SELF_TEST_PASSED);
    command(I8042_CMD_KBD_ENABLE);
    assert_int_equal(next_byte(), KBD_REPLY_ACK);
    assert_int_equal(next_byte(), KBD_REPLY_BAT_OK);
    assert_empty();
}

/* A controller reply queued behind a full buffer comes before the keyboard's bytes. */
static void test_controller_replies_first(void **state)
{
    (void)state;
    data(KBD_CMD_RESET); /* ACK in the buffer, BAT waiting in the keyboard */
    command(I8042_CMD_KBD_TEST);
    assert_int_equal(next_byte(), KBD_REPLY_ACK);
    assert_int_equal(next_byte(), I8042_INTERFACE_OK);
    assert_int_equal(next_byte(), KBD_REPLY_BAT_OK);
}

/* Each byte is its own IRQ 1 pulse: the line drops at the read and rises only when the
 * platform lets the next byte in. Status reads change nothing. */
static void test_irq1_per_byte(void **state)
{
    (void)state;
    data(KBD_CMD_RESET);
    assert_true(i8042_kbd_irq(&kbc));
    status();
    status();
    assert_true(i8042_kbd_irq(&kbc));
    assert_int_equal(i8042_port_read(&kbc, DATA), KBD_REPLY_ACK);
    assert_false(i8042_kbd_irq(&kbc));
    assert_true(i8042_service(&kbc));
    assert_true(i8042_kbd_irq(&kbc));
    assert_false(i8042_service(&kbc));       /* full: nothing moves */
    write_command_byte(I8042_CTR_TRANSLATE); /* KBD_INT off: the line drops */
    assert_false(i8042_kbd_irq(&kbc));
    assert_true(status() & I8042_STR_OBF);
    assert_int_equal(i8042_port_read(&kbc, DATA), KBD_REPLY_BAT_OK);
    /* The buffer is a latch: read again empty, it gives the last byte. */
    assert_int_equal(i8042_port_read(&kbc, DATA), KBD_REPLY_BAT_OK);
}

/* More than a keyboard's buffer: the excess is dropped, nothing overflows. */
static void test_full_queue_drops(void **state)
{
    (void)state;
    command(I8042_CMD_KBD_DISABLE);
    for (unsigned i = 0; i < I8042_QUEUE_SIZE + 4; i++)
        data(KBD_CMD_ECHO);
    assert_int_equal(kbc.kbd.out.count, I8042_QUEUE_SIZE);
    command(I8042_CMD_KBD_ENABLE);
    for (unsigned i = 0; i < I8042_QUEUE_SIZE; i++)
        assert_int_equal(next_byte(), KBD_REPLY_ECHO);
    assert_empty();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_power_on_status, setup),
        cmocka_unit_test_setup(test_read_command_byte, setup),
        cmocka_unit_test_setup(test_write_command_byte, setup),
        cmocka_unit_test_setup(test_other_ram_bytes, setup),
        cmocka_unit_test_setup(test_self_test_and_interface_tests, setup),
        cmocka_unit_test_setup(test_enable_disable_bits, setup),
        cmocka_unit_test_setup(test_aux_loopback_and_irq12, setup),
        cmocka_unit_test_setup(test_kbd_output_buffer_write, setup),
        cmocka_unit_test_setup(test_aux_write_times_out, setup),
        cmocka_unit_test_setup(test_command_cancels_waiting_command, setup),
        cmocka_unit_test_setup(test_pulse_reset, setup),
        cmocka_unit_test_setup(test_output_port, setup),
        cmocka_unit_test_setup(test_identify, setup),
        cmocka_unit_test_setup(test_reset_and_simple_commands, setup),
        cmocka_unit_test_setup(test_commands_with_data_byte, setup),
        cmocka_unit_test_setup(test_scan_set, setup),
        cmocka_unit_test_setup(test_resend, setup),
        cmocka_unit_test_setup(test_disabled_keyboard_holds_bytes, setup),
        cmocka_unit_test_setup(test_controller_replies_first, setup),
        cmocka_unit_test_setup(test_irq1_per_byte, setup),
        cmocka_unit_test_setup(test_full_queue_drops, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
