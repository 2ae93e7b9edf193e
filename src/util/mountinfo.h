/* /proc/PID/mountinfo as text: parsed from a buffer, so that the parsing
 * is tested without a kernel (tests/unit/test-mountinfo.c). */
#ifndef RT_MOUNTINFO_H
#define RT_MOUNTINFO_H

#include <stddef.h>

#include "util/error.h"

struct rt_mount_entry
{
  char *root;       /* the filesystem's directory mounted here ("/": the whole of it) */
  char *mountpoint; /* with \040 and friends decoded */
  char *devno;      /* "MAJOR:MINOR" */
  char *fstype;
  char *source;
  char *superopts;
};

struct rt_mountinfo
{
  struct rt_mount_entry *e;
  size_t len;
};

/* Parses text (NUL-terminated); lines it cannot read are skipped. */
int rt_mountinfo_parse (const char *text, struct rt_mountinfo *out, struct rt_error *err);
/* Reads and parses /proc/self/mountinfo. */
int rt_mountinfo_read (struct rt_mountinfo *out, struct rt_error *err);
void rt_mountinfo_free (struct rt_mountinfo *m);

#endif
