/*
 * echo.h - hello's echo mode (Multiboot command line word `echo`): read lines typed on
 * COM1 by interrupt and print each back; a line `quit` ends the guest with status 0.
 */
#ifndef GUEST_HELLO_ECHO_H
#define GUEST_HELLO_ECHO_H

#include <stdbool.h>

/* True if the command line has the word `echo` (words are separated by spaces). */
bool echo_wanted(const char *cmdline);

/* Run the echo loop: "echo: LINE" for each line typed, until a line is `quit`; false if
 * bytes were lost on the way (the ring was full). */
bool echo_run(void);

#endif
