#include "util/passwd.h"

#include <stdlib.h>
#include <string.h>

enum
{
  NAME,
  PASSWORD,
  UID,
  GID,
  GECOS,
  HOME,
  SHELL,
  NFIELDS
};

/* name:password:uid:gid:gecos:home:shell: field `which` of the line, as
 * a heap string, if the line is an entry of uid */
static char *
field_of_line (const char *line, size_t len, uid_t uid, int which)
{
  const char *field[NFIELDS + 1];
  const char *p = line, *end = line + len;
  char *num_end;
  unsigned long v;
  int n = 0;

  field[n++] = p;
  for (; p < end && n < NFIELDS; p++)
    if (*p == ':')
      field[n++] = p + 1;
  if (n < NFIELDS)
    return NULL;
  field[NFIELDS] = end + 1; /* the shell runs to the end of the line */
  v = strtoul (field[UID], &num_end, 10);
  if (num_end == field[UID] || *num_end != ':' || v != (unsigned long) uid)
    return NULL;
  return strndup (field[which], (size_t) (field[which + 1] - 1 - field[which]));
}

static char *
lookup (const char *passwd, uid_t uid, int which)
{
  const char *line = passwd;

  while (*line)
    {
      size_t len = strcspn (line, "\n");
      char *v = *line == '#' ? NULL : field_of_line (line, len, uid, which);
      if (v != NULL)
        return v;
      line += len;
      if (*line == '\n')
        line++;
    }
  return NULL;
}

char *
rt_passwd_home (const char *passwd, uid_t uid)
{
  return lookup (passwd, uid, HOME);
}

char *
rt_passwd_name (const char *passwd, uid_t uid)
{
  return lookup (passwd, uid, NAME);
}
