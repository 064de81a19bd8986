/*
 * guest_images.h - the guest kernels built into hvlab.efi.
 *
 * tools/embed-guests.sh generates build/guest_images.S: each build/guest/NAME.elf pulled
 * in with .incbin, and this table of {name, data, size} rows pointing at them.
 */
#ifndef HVLAB_BOOT_GUEST_IMAGES_H
#define HVLAB_BOOT_GUEST_IMAGES_H

#include <stddef.h>
#include <stdint.h>

/* One row of the generated table: three quadwords. */
struct embedded_guest {
    const char *name;
    const uint8_t *data;
    size_t size;
};
_Static_assert(sizeof(struct embedded_guest) == 24, "must match tools/embed-guests.sh");
_Static_assert(offsetof(struct embedded_guest, size) == 16, "tools/embed-guests.sh");

extern const struct embedded_guest boot_guest_images[];
extern const size_t boot_guest_image_count;

#endif
