/* The systemd driver's pure part: runc's `slice:prefix:name` cgroupsPath,
 * slice names expanded to cgroup paths, and the unit properties that the
 * resources become. No D-Bus here (systemd_bus.c), so it is unit-tested. */
#ifndef RT_SYSTEMD_UNIT_H
#define RT_SYSTEMD_UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocispec.h"
#include "util/error.h"

struct rt_systemd_unit
{
  char *slice; /* the parent slice: "system.slice", "machine.slice"... */
  char *name;  /* the unit: "rt-ID.scope", or a slice ("foo-bar.slice") */
  bool is_slice;
};

/* `slice:prefix:name` (runc's form; an empty slice is system.slice, or
 * user.slice for a user's manager; the unit is prefix-name.scope, or the
 * name itself when it ends in .slice); an empty path is `:rt:ID`. Errors
 * name the path. */
int rt_systemd_unit_parse (const char *cgroups_path, const char *id, bool user_manager, struct rt_systemd_unit *u,
                           struct rt_error *err);
void rt_systemd_unit_free (struct rt_systemd_unit *u);

/* "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice", "-.slice" -> "/";
 * NULL (errno EINVAL) for what is not a slice name. */
char *rt_systemd_slice_path (const char *slice);

/* A unit property, as StartTransientUnit and SetUnitProperties take it. */
enum rt_systemd_prop_type
{
  RT_SD_STRING, /* s */
  RT_SD_BOOL,   /* b */
  RT_SD_U64,    /* t */
  RT_SD_I64,    /* x */
  RT_SD_U32,    /* u */
  RT_SD_I32,    /* i */
  RT_SD_U32S,   /* au */
  RT_SD_BYTES,  /* ay */
};

struct rt_systemd_prop
{
  const char *name;
  enum rt_systemd_prop_type type;
  const char *s;
  char *owned; /* s, when the property owns it */
  bool b;
  uint64_t u;     /* the integer types (signed ones cast) */
  uint32_t *u32s; /* owned */
  uint8_t *bytes; /* owned */
  size_t n;
};

struct rt_systemd_props
{
  struct rt_systemd_prop *p;
  size_t len;
};

/* The resource limits systemd knows (those of `version` and older),
 * converted as runc converts them; the rest stay for the cgroup files. */
int rt_systemd_resource_props (const oci_resources *r, unsigned version, struct rt_systemd_props *out,
                               struct rt_error *err);
/* Annotations org.systemd.property.NAME (as runc's): VALUE in GVariant
 * text, of the forms systemd's properties take: true, false, 'string',
 * uint64 N, int64 N, uint32 N, int32 N (or @t N...), a bare N (int32).
 * NAMESec with a number of seconds becomes NAMEUSec. */
int rt_systemd_annotation_props (const oci_strmap *annotations, struct rt_systemd_props *ps, struct rt_error *err);
int rt_systemd_props_add (struct rt_systemd_props *ps, struct rt_systemd_prop p);
void rt_systemd_props_free (struct rt_systemd_props *ps);

#endif
