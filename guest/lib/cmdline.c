/*
 * cmdline.c - `name=value` words of the Multiboot command line (see cmdline.h).
 */
#include "cmdline.h"

#include <stdbool.h>
#include <stddef.h>

#include "str.h"

const char *cmdline_get(uint32_t magic, const struct multiboot_info *mbi)
{
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC || !(mbi->flags & MULTIBOOT_INFO_CMDLINE))
        return "";
    return (const char *)(uintptr_t)mbi->cmdline;
}

/* True if the word at p is `name=`; *value then points just past the '='. */
static bool word_has_name(const char *p, const char *name, const char **value)
{
    size_t len = strlen(name);

    if (strncmp(p, name, len) != 0 || p[len] != '=')
        return false;
    *value = p + len + 1;
    return true;
}

/* Parse the decimal digits at p up to the end of the word; false if there are none, a
 * character is not a digit, or the number does not fit 32 bits. */
static bool parse_decimal(const char *p, uint32_t *out)
{
    uint64_t n = 0;

    if (*p == '\0' || *p == ' ')
        return false;
    for (; *p && *p != ' '; p++) {
        if (*p < '0' || *p > '9')
            return false;
        n = n * 10 + (uint32_t)(*p - '0');
        if (n > UINT32_MAX)
            return false;
    }
    *out = (uint32_t)n;
    return true;
}

uint32_t cmdline_uint(const char *cmdline, const char *name, uint32_t fallback)
{
    const char *p = cmdline;
    const char *value;
    uint32_t n;

    while (*p) {
        while (*p == ' ')
            p++;
        if (word_has_name(p, name, &value))
            return parse_decimal(value, &n) ? n : fallback;
        while (*p && *p != ' ')
            p++;
    }
    return fallback;
}
