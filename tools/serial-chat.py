#!/usr/bin/env python3
"""serial-chat.py - the other end of the emulator's serial line, for tools/run.sh.

    tools/serial-chat.py --log FILE --port-file FILE [--send "WAIT => LINE"]...
                         [--gap-ms N] [--interactive] [--accept-timeout S]

Listens on 127.0.0.1 at a port the kernel picks (written to --port-file once listening,
so tests run in parallel never share one), takes the one connection the emulator makes
(QEMU -serial tcp:127.0.0.1:PORT, Bochs com1 mode=socket-client) and writes every byte
it receives to --log as it comes, unchanged: the same transcript -serial file: gives.

--send "WAIT => LINE" (repeatable, done in order): once WAIT has appeared in what the
guest sent since the previous line began to be typed (an empty WAIT: at once), type LINE
and a carriage return (what a terminal's Enter key sends), one byte every --gap-ms ms.
(Since it began, not since it ended: what its first byte caused, e.g. hvlab's answer to
the focus key, may come while the rest is typed.)

Typing faster than the guest reads loses nothing: hvlab moves a byte to the guest's UART
only while that UART listens and has room, the emulator reads the next byte from this
connection only when its own UART has room, and TCP holds the rest (measured with
--gap-ms 0 in Bochs and QEMU: a 100-byte line comes back whole). The gap between bytes
is a margin, like a fast typist, for guests that drop input when busy. Waiting for each
byte's echo instead cannot work: hvlab prints a guest's console a whole line at a time,
so an echo comes only after Enter.

--interactive (run.sh when its standard input is a terminal): what is typed goes to the
guest as it is typed (the terminal in cbreak mode: no echo, no line editing, Ctrl-C still
stops the run) and what the guest sends is printed too.

Exit status 0 when the emulator closed the line with every LINE typed; 1 otherwise (a
WAIT never seen is reported on standard error).
"""
import argparse
import os
import select
import socket
import sys
import termios
import time
import tty

SEND_SEPARATOR = " => "
ENTER = b"\r"


def parse_send(text):
    """'WAIT => LINE' -> (wait bytes, line bytes with Enter)."""
    wait, sep, line = text.partition(SEND_SEPARATOR.strip())
    if not sep:
        sys.exit(f"serial-chat: --send wants 'WAIT => LINE', got {text!r}")
    # strip(" ") only: Python counts Ctrl-] (0x1D) as white space.
    return wait.strip(" \t").encode(), line.strip(" \t").encode() + ENTER


def listen(port_file):
    """A listening socket on an ephemeral port, its number in port_file (atomically)."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{server.getsockname()[1]}\n")
    os.replace(tmp, port_file)
    return server


def chat(conn, log, sends, gap, keyboard):
    """Copy the line to the log, type each pending LINE once its WAIT came; until EOF."""
    transcript = bytearray()
    mark = 0          # where the search for the next WAIT starts
    typing = b""      # what is left of the LINE being typed
    next_byte_at = 0.0
    while True:
        now = time.monotonic()
        if not typing and sends and sends[0][0] in transcript[mark:]:
            typing = sends.pop(0)[1]
            mark = len(transcript)  # the next WAIT must come after this
        if typing and now >= next_byte_at:
            conn.sendall(typing[:1])
            typing = typing[1:]
            next_byte_at = now + gap
            continue  # the next WAIT may be in what came while this line was typed
        timeout = max(0.0, next_byte_at - now) if typing else None
        readers = [conn] + ([keyboard] if keyboard is not None else [])
        ready, _, _ = select.select(readers, [], [], timeout)
        if keyboard is not None and keyboard in ready:
            keys = os.read(keyboard, 256)
            if keys:
                conn.sendall(keys)
        if conn in ready:
            data = conn.recv(4096)
            if not data:
                return typing == b"" and not sends
            transcript += data
            log.write(data)
            log.flush()
            if keyboard is not None:
                sys.stdout.buffer.write(data)
                sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--log", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--send", action="append", default=[])
    ap.add_argument("--gap-ms", type=float, default=20.0)
    ap.add_argument("--interactive", action="store_true")
    ap.add_argument("--accept-timeout", type=float, default=60.0)
    args = ap.parse_args()
    sends = [parse_send(s) for s in args.send]

    server = listen(args.port_file)
    server.settimeout(args.accept_timeout)
    try:
        conn, _ = server.accept()
    except socket.timeout:
        sys.exit("serial-chat: the emulator never connected")
    server.close()
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    keyboard, saved = None, None
    if args.interactive and sys.stdin.isatty():
        keyboard = sys.stdin.fileno()
        saved = termios.tcgetattr(keyboard)
        tty.setcbreak(keyboard)
    try:
        with open(args.log, "ab") as log:
            done = chat(conn, log, sends, args.gap_ms / 1000.0, keyboard)
    except (KeyboardInterrupt, ConnectionError):
        done = not sends
    finally:
        if saved is not None:
            termios.tcsetattr(keyboard, termios.TCSADRAIN, saved)
    if not done:
        waits = ", ".join(repr(w.decode()) for w, _ in sends) or "(the last line)"
        print(f"serial-chat: the line ended before it was all typed: never saw {waits}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
