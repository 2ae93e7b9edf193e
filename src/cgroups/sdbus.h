/* A small client of systemd's manager over D-Bus, for the systemd cgroup
 * driver: transient units started, changed and stopped, each job waited
 * for. libsystemd's sd-bus does the talking (as in crun); it is loaded
 * with dlopen when --systemd-cgroup is used, so the commands that never
 * talk to systemd (nearly all of them) do not pay for mapping it. */
#ifndef RT_SDBUS_H
#define RT_SDBUS_H

#include <stdbool.h>

#include "cgroups/systemd_unit.h"
#include "util/error.h"

struct rt_sdbus;

/* The system manager, or (user) the calling user's manager. */
int rt_sdbus_open (bool user, struct rt_sdbus **out, struct rt_error *err);
void rt_sdbus_close (struct rt_sdbus *b);

/* The manager's version ("252.38-1" -> 252); 0 if it does not say. */
unsigned rt_sdbus_version (struct rt_sdbus *b);
/* The manager's own cgroup ("/" for the system manager,
 * "/user.slice/user-1000.slice/user@1000.service" for a user's). */
int rt_sdbus_manager_cgroup (struct rt_sdbus *b, char **out, struct rt_error *err);

/* StartTransientUnit, then wait until its job is done. A unit of that
 * name left failed is reset first; one that is running is an error. */
int rt_sdbus_start_unit (struct rt_sdbus *b, const char *unit, const struct rt_systemd_props *props,
                         struct rt_error *err);
/* SetUnitProperties (runtime: gone with the unit). */
int rt_sdbus_set_properties (struct rt_sdbus *b, const char *unit, const struct rt_systemd_props *props,
                             struct rt_error *err);
/* StopUnit and wait; a unit that does not exist is stopped already. Then
 * ResetFailedUnit, so that no failed unit stays listed. */
int rt_sdbus_stop_unit (struct rt_sdbus *b, const char *unit, struct rt_error *err);

#endif
