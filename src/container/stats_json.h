/* Container statistics as JSON: the "data" object of a stats event of
 * runc's `events` (types/events.go), with runc's property names, order and
 * omitempty rules. */
#ifndef RT_STATS_JSON_H
#define RT_STATS_JSON_H

#include <yajl/yajl_gen.h>

#include "cgroups/stats.h"

/* Writes s as one JSON object; -1 when the generator refuses a value. */
int rt_stats_json_write (yajl_gen g, const struct rt_cgroup_stats *s);

#endif
