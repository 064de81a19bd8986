/*
 * i8042.c - the keyboard controller and its keyboard as pure state (see i8042.h).
 *
 *   port 0x64 write -> run_command: at once, or remember it until its data byte comes
 *   port 0x60 write -> that data byte (command_data), else keyboard_receive
 *   replies -> a queue (controller's, keyboard's) -> i8042_service -> output buffer
 *
 * Simplifications (each a behaviour the guests hvlab runs do not depend on): commands
 * the model does not know (0xC0 read input port, 0xE0 read test inputs, ...) are ignored;
 * a byte after KBD_CMD_SET_LEDS, _TYPEMATIC or _SCAN_SET is always that command's data,
 * never a new command; keyboard replies are instant (a real keyboard's reset test takes
 * hundreds of milliseconds).
 * See: IBM PS/2 Hardware Interface Technical Reference, "Keyboard/Auxiliary Device
 * Controller" and "Keyboard".
 */
#include "hypervisor/devices/i8042.h"

#include "hypervisor/string.h"

/* Scan code set 2 -> set 1, for the bytes this keyboard sends that translation changes:
 * the set numbers it reports and the second ID byte. Bytes of 0x80 and above not listed
 * pass unchanged (ACK 0xFA, BAT 0xAA, ID 0xAB, echo 0xEE, resend 0xFE).
 * See: IBM PS/2 Hardware Interface Technical Reference, "Keyboard", scan code tables. */
static const struct {
    uint8_t set2, set1;
} translations[] = {{0x01, 0x43}, {0x02, 0x41}, {0x03, 0x3F}, {KBD_ID_SECOND, 0x41}};

static uint8_t translate(uint8_t byte)
{
    for (unsigned i = 0; i < sizeof(translations) / sizeof(translations[0]); i++)
        if (translations[i].set2 == byte)
            return translations[i].set1;
    return byte;
}

/* ---- byte queues ---- */

/* A full queue drops the byte, as a keyboard's full buffer does (no guest sends that
 * many commands without reading the replies). */
static void queue_put(struct i8042_queue *q, uint8_t value, uint8_t status)
{
    if (q->count == I8042_QUEUE_SIZE)
        return;
    q->bytes[(q->head + q->count) % I8042_QUEUE_SIZE] = (struct i8042_byte){value, status};
    q->count++;
}

static struct i8042_byte queue_take(struct i8042_queue *q)
{
    struct i8042_byte b = q->bytes[q->head];
    q->head = (uint8_t)((q->head + 1) % I8042_QUEUE_SIZE);
    q->count--;
    return b;
}

static uint8_t command_byte(const struct i8042 *kbc) { return kbc->ram[0]; }

/* A byte of the controller's own: into the output buffer now if it is empty. */
static void reply(struct i8042 *kbc, uint8_t value, uint8_t status)
{
    queue_put(&kbc->replies, value, status);
    i8042_service(kbc);
}

bool i8042_service(struct i8042 *kbc)
{
    if (kbc->full)
        return false;
    if (kbc->replies.count) {
        kbc->buffer = queue_take(&kbc->replies);
    } else if (kbc->kbd.out.count && !(command_byte(kbc) & I8042_CTR_KBD_DISABLE)) {
        kbc->buffer = queue_take(&kbc->kbd.out);
        if (command_byte(kbc) & I8042_CTR_TRANSLATE)
            kbc->buffer.value = translate(kbc->buffer.value);
    } else {
        return false;
    }
    kbc->full = true;
    return true;
}

/* ---- the keyboard ---- */

static void keyboard_send(struct i8042 *kbc, uint8_t byte)
{
    kbc->kbd.last_sent = byte;
    queue_put(&kbc->kbd.out, byte, 0);
    i8042_service(kbc);
}

static void keyboard_defaults(struct ps2_keyboard *kbd)
{
    kbd->leds = 0;
    kbd->typematic = KBD_TYPEMATIC_RESET;
    kbd->scan_set = KBD_SCAN_SET_PC_AT;
    kbd->awaiting = 0;
}

/* The data byte of KBD_CMD_SET_LEDS, _TYPEMATIC or _SCAN_SET. */
static void keyboard_data(struct i8042 *kbc, uint8_t command, uint8_t data)
{
    struct ps2_keyboard *kbd = &kbc->kbd;
    if (command == KBD_CMD_SCAN_SET &&
        (data == KBD_SCAN_SET_REPORT || data > KBD_SCAN_SET_MAX)) {
        keyboard_send(kbc, data == KBD_SCAN_SET_REPORT ? KBD_REPLY_ACK : KBD_REPLY_RESEND);
        if (data == KBD_SCAN_SET_REPORT)
            keyboard_send(kbc, kbd->scan_set);
        return;
    }
    if (command == KBD_CMD_SET_LEDS)
        kbd->leds = data & KBD_LED_BITS;
    else if (command == KBD_CMD_TYPEMATIC)
        kbd->typematic = data & KBD_TYPEMATIC_BITS;
    else
        kbd->scan_set = data;
    keyboard_send(kbc, KBD_REPLY_ACK);
}

/* A byte the guest sent to the keyboard. */
static void keyboard_receive(struct i8042 *kbc, uint8_t byte)
{
    struct ps2_keyboard *kbd = &kbc->kbd;
    if (kbd->awaiting) {
        uint8_t command = kbd->awaiting;
        kbd->awaiting = 0;
        keyboard_data(kbc, command, byte);
        return;
    }
    switch (byte) {
    case KBD_CMD_SET_LEDS:
    case KBD_CMD_TYPEMATIC:
    case KBD_CMD_SCAN_SET:
        kbd->awaiting = byte;
        keyboard_send(kbc, KBD_REPLY_ACK);
        break;
    case KBD_CMD_ECHO: keyboard_send(kbc, KBD_REPLY_ECHO); break;
    case KBD_CMD_IDENTIFY:
        keyboard_send(kbc, KBD_REPLY_ACK);
        keyboard_send(kbc, KBD_ID_FIRST);
        keyboard_send(kbc, KBD_ID_SECOND);
        break;
    case KBD_CMD_ENABLE:
        kbd->scanning = true;
        keyboard_send(kbc, KBD_REPLY_ACK);
        break;
    case KBD_CMD_DISABLE:
    case KBD_CMD_DEFAULTS:
        keyboard_defaults(kbd);
        if (byte == KBD_CMD_DISABLE)
            kbd->scanning = false;
        keyboard_send(kbc, KBD_REPLY_ACK);
        break;
    case KBD_CMD_RESEND: keyboard_send(kbc, kbd->last_sent); break;
    case KBD_CMD_RESET:
        keyboard_defaults(kbd);
        kbd->scanning = true;
        keyboard_send(kbc, KBD_REPLY_ACK);
        keyboard_send(kbc, KBD_REPLY_BAT_OK);
        break;
    default: keyboard_send(kbc, KBD_REPLY_RESEND); break;
    }
}

/* ---- the controller ---- */

static void set_command_bits(struct i8042 *kbc, uint8_t set, uint8_t clear)
{
    kbc->ram[0] = (uint8_t)((kbc->ram[0] | set) & ~clear);
    i8042_service(kbc); /* the keyboard's interface may be on again */
}

/* The output port as read: what was written, with the IRQ lines as they are. */
static uint8_t output_port(const struct i8042 *kbc)
{
    uint8_t value = kbc->output_port & (uint8_t) ~(I8042_OUT_KBD_IRQ | I8042_OUT_AUX_IRQ);
    if (i8042_kbd_irq(kbc))
        value |= I8042_OUT_KBD_IRQ;
    if (i8042_aux_irq(kbc))
        value |= I8042_OUT_AUX_IRQ;
    return value;
}

/* A command written to port 0x64; true if it pulsed the CPU reset line. */
static bool run_command(struct i8042 *kbc, uint8_t cmd)
{
    if (cmd >= I8042_CMD_PULSE)
        return (cmd & I8042_OUT_RESET_HIGH) == 0; /* a pulse on a line whose bit is 0 */
    if ((cmd & ~I8042_CMD_RAM_RANGE_END) == I8042_CMD_READ_RAM) {
        reply(kbc, kbc->ram[cmd & I8042_CMD_RAM_RANGE_END], 0);
        return false;
    }
    if ((cmd & ~I8042_CMD_RAM_RANGE_END) == I8042_CMD_WRITE_RAM) {
        kbc->awaiting = cmd;
        return false;
    }
    switch (cmd) {
    case I8042_CMD_AUX_DISABLE: set_command_bits(kbc, I8042_CTR_AUX_DISABLE, 0); break;
    case I8042_CMD_AUX_ENABLE: set_command_bits(kbc, 0, I8042_CTR_AUX_DISABLE); break;
    case I8042_CMD_KBD_DISABLE: set_command_bits(kbc, I8042_CTR_KBD_DISABLE, 0); break;
    case I8042_CMD_KBD_ENABLE: set_command_bits(kbc, 0, I8042_CTR_KBD_DISABLE); break;
    case I8042_CMD_AUX_TEST:
    case I8042_CMD_KBD_TEST: reply(kbc, I8042_INTERFACE_OK, 0); break;
    case I8042_CMD_SELF_TEST:
        kbc->ram[0] |= I8042_CTR_SYS;
        reply(kbc, I8042_SELF_TEST_PASSED, 0);
        break;
    case I8042_CMD_READ_OUTPUT: reply(kbc, output_port(kbc), 0); break;
    case I8042_CMD_WRITE_OUTPUT:
    case I8042_CMD_WRITE_KBD_OUT:
    case I8042_CMD_WRITE_AUX_OUT:
    case I8042_CMD_WRITE_AUX: kbc->awaiting = cmd; break;
    default: break; /* not modelled: ignored */
    }
    return false;
}

/* The data byte of the command waiting for one; true if it held the reset line low. */
static bool command_data(struct i8042 *kbc, uint8_t cmd, uint8_t data)
{
    switch (cmd) {
    case I8042_CMD_WRITE_OUTPUT:
        kbc->output_port = data;
        return (data & I8042_OUT_RESET_HIGH) == 0;
    case I8042_CMD_WRITE_KBD_OUT: reply(kbc, data, 0); break;
    case I8042_CMD_WRITE_AUX_OUT: reply(kbc, data, I8042_STR_AUX_DATA); break;
    case I8042_CMD_WRITE_AUX: /* nothing is plugged in: the controller times out */
        reply(kbc, I8042_AUX_NO_DEVICE, I8042_STR_AUX_DATA | I8042_STR_TIMEOUT);
        break;
    default: /* I8042_CMD_WRITE_RAM + n; n = 0 is the command byte */
        kbc->ram[cmd & I8042_CMD_RAM_RANGE_END] = data;
        i8042_service(kbc); /* the keyboard's interface may be on again */
    }
    return false;
}

void i8042_reset(struct i8042 *kbc)
{
    memset(kbc, 0, sizeof(*kbc));
    kbc->ram[0] = I8042_CTR_FIRMWARE;
    kbc->output_port = I8042_OUT_POWER_ON;
    keyboard_defaults(&kbc->kbd);
    kbc->kbd.scanning = true;
}

uint8_t i8042_port_read(struct i8042 *kbc, uint16_t port)
{
    if (port == I8042_DATA_PORT) {
        /* Empty, it reads the last byte again: the buffer is a latch. */
        kbc->full = false; /* the next byte moves in at i8042_service */
        return kbc->buffer.value;
    }
    uint8_t status = I8042_STR_UNLOCKED;
    if (command_byte(kbc) & I8042_CTR_SYS)
        status |= I8042_STR_SYS;
    if (kbc->last_write_command)
        status |= I8042_STR_CMD;
    if (kbc->full)
        status |= I8042_STR_OBF | (kbc->buffer.status & I8042_STR_BYTE_BITS);
    return status;
}

bool i8042_port_write(struct i8042 *kbc, uint16_t port, uint8_t value)
{
    kbc->last_write_command = port == I8042_COMMAND_PORT;
    if (port == I8042_COMMAND_PORT) {
        kbc->awaiting = 0; /* a new command cancels one still waiting for its byte */
        return run_command(kbc, value);
    }
    if (kbc->awaiting) {
        uint8_t cmd = kbc->awaiting;
        kbc->awaiting = 0;
        return command_data(kbc, cmd, value);
    }
    keyboard_receive(kbc, value);
    return false;
}

bool i8042_kbd_irq(const struct i8042 *kbc)
{
    return kbc->full && !(kbc->buffer.status & I8042_STR_AUX_DATA) &&
           (command_byte(kbc) & I8042_CTR_KBD_INT);
}

bool i8042_aux_irq(const struct i8042 *kbc)
{
    return kbc->full && (kbc->buffer.status & I8042_STR_AUX_DATA) &&
           (command_byte(kbc) & I8042_CTR_AUX_INT);
}
