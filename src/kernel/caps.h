/* Capabilities (libcap): the bounding set is cut while still root, the
 * other sets are set after the switch to the container's user. */
#ifndef RT_CAPS_H
#define RT_CAPS_H

#include "ocispec.h"
#include "util/error.h"

/* Warns, naming each, about capabilities that cannot be granted here. */
void rt_caps_check (const oci_capabilities *c);
int rt_caps_drop_bounding (const oci_capabilities *c, struct rt_error *err);
int rt_caps_apply (const oci_capabilities *c, struct rt_error *err);

#endif
