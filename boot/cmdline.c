/*
 * cmdline.c - build the one-line command line (see cmdline.h).
 */
#include "boot/cmdline.h"

#define ASCII_PRINTABLE_FIRST 0x20
#define ASCII_PRINTABLE_LAST  0x7E

static size_t length(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* Append one character; a space is only added between words. False when full. */
static bool append_char(char *dst, size_t cap, char c)
{
    size_t n = length(dst);
    /* A separator is dropped at the start, after another, and when the buffer is full:
     * a word after it then fails, so a real cut is still reported. */
    if (c == ' ' && (n == 0 || dst[n - 1] == ' ' || n + 1 >= cap))
        return true;
    if (n + 1 >= cap)
        return false;
    dst[n] = c;
    dst[n + 1] = '\0';
    return true;
}

static void trim_trailing_space(char *dst)
{
    size_t n = length(dst);
    while (n && dst[n - 1] == ' ')
        dst[--n] = '\0';
}

bool cmdline_config_is_text(const char *text, size_t len, size_t *bad_at)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        bool printable = c >= ASCII_PRINTABLE_FIRST && c <= ASCII_PRINTABLE_LAST;
        if (!printable && c != '\t' && c != '\n' && c != '\r') {
            *bad_at = i;
            return false;
        }
    }
    return true;
}

bool cmdline_append_config(char *dst, size_t cap, const char *text, size_t len)
{
    bool ok = append_char(dst, cap, ' ');
    bool in_comment = false;
    for (size_t i = 0; i < len && text[i] && ok; i++) {
        char c = text[i];
        if (c == '\n' || c == '\r') {
            in_comment = false;
            ok = append_char(dst, cap, ' ');
        } else if (c == '#') {
            in_comment = true;
        } else if (!in_comment) {
            ok = append_char(dst, cap, c == '\t' ? ' ' : c);
        }
    }
    trim_trailing_space(dst);
    return ok;
}

bool cmdline_append_ucs2(char *dst, size_t cap, const uint16_t *text, size_t bytes)
{
    size_t chars = bytes / sizeof(uint16_t);
    size_t n = 0;
    while (n < chars && text[n])
        n++;
    for (size_t i = 0; i < n; i++)
        if (text[i] < ASCII_PRINTABLE_FIRST || text[i] > ASCII_PRINTABLE_LAST)
            return false;
    bool ok = append_char(dst, cap, ' ');
    for (size_t i = 0; i < n && ok; i++)
        ok = append_char(dst, cap, (char)text[i]);
    trim_trailing_space(dst);
    return ok;
}
