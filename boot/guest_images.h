/*
 * guest_images.h - the guest kernels built into hvlab.efi.
 *
 * tools/embed-guests.sh generates build/guest_images.S: each build/guest/NAME.elf pulled
 * in with .incbin, and this table of {name, data, size} rows pointing at them.
 */
#ifndef HVLAB_BOOT_GUEST_IMAGES_H
#define HVLAB_BOOT_GUEST_IMAGES_H

#include <stddef.h>

#include "boot/boot_info.h"

/* The generated assembly lays rows out as three quadwords. */
_Static_assert(sizeof(struct boot_guest_image) == 24, "must match tools/embed-guests.sh");
_Static_assert(offsetof(struct boot_guest_image, size) == 16, "tools/embed-guests.sh");

extern const struct boot_guest_image boot_guest_images[];
extern const size_t boot_guest_image_count;

#endif
