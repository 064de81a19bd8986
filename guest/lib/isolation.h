/*
 * isolation.h - the markers of the two isolation guests, guest/victim and guest/spy.
 *
 * The victim fills its free RAM with blocks marked SECRET_LO, SECRET_HI (pattern.h); the
 * spy searches every address it can reach for SECRET_LO followed by SECRET_HI, and marks
 * its own free RAM SPY_LO, SPY_HI. Chosen so that no dword of the spy's own blocks can be
 * SECRET_LO: a block address ends in hex 0 and its complement in hex F (blocks are 16-byte
 * aligned), and SECRET_LO ends in 5.
 *
 * The spy must never hold the secret itself, or its scan would find it in its own image or
 * stack: it uses only SECRET_LO_NOT and SECRET_HI_NOT (see guest/spy/main.c).
 */
#ifndef GUEST_ISOLATION_H
#define GUEST_ISOLATION_H

#define SECRET_LO 0x5EC12E75u /* "SECRETS", almost */
#define SECRET_HI 0x0F1C7A15u
#define SPY_LO    0x5B1E5B1Eu
#define SPY_HI    0xC0FFEE5Bu

/* The complements: all the spy's image contains of the secret. */
#define SECRET_LO_NOT (~SECRET_LO)
#define SECRET_HI_NOT (~SECRET_HI)

#endif /* GUEST_ISOLATION_H */
