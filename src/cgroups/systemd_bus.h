/* A small client of systemd's manager over D-Bus, for the systemd cgroup
 * driver: transient units started, changed and stopped, each job waited
 * for. rt speaks D-Bus itself (dbus.c), as runc and youki do. */
#ifndef RT_SYSTEMD_BUS_H
#define RT_SYSTEMD_BUS_H

#include <stdbool.h>

#include "cgroups/systemd_unit.h"
#include "util/error.h"

struct rt_dbus;

/* The system manager, or (user) the calling user's manager. The signals
 * that end jobs are asked for by the first start or stop of a unit, not
 * here: SetUnitProperties alone waits for no job. */
int rt_systemd_bus_open (bool user, struct rt_dbus **out, struct rt_error *err);
void rt_systemd_bus_close (struct rt_dbus *b);

/* The manager's version ("252.38-1" -> 252); 0 if it does not say. */
unsigned rt_systemd_bus_version (struct rt_dbus *b);
/* The manager's own cgroup ("/" for the system manager,
 * "/user.slice/user-1000.slice/user@1000.service" for a user's). */
int rt_systemd_bus_manager_cgroup (struct rt_dbus *b, char **out, struct rt_error *err);

/* StartTransientUnit, then wait until its job is done. A unit of that
 * name left failed is reset first; one that is running is an error. */
int rt_systemd_bus_start_unit (struct rt_dbus *b, const char *unit, const struct rt_systemd_props *props,
                               struct rt_error *err);
/* SetUnitProperties (runtime: gone with the unit). */
int rt_systemd_bus_set_properties (struct rt_dbus *b, const char *unit, const struct rt_systemd_props *props,
                                   struct rt_error *err);
/* StopUnit and wait; a unit that does not exist is stopped already. Then
 * ResetFailedUnit, so that no failed unit stays listed. */
int rt_systemd_bus_stop_unit (struct rt_dbus *b, const char *unit, struct rt_error *err);

#endif
