#include "util/passwd.h"

#include <stdlib.h>
#include <string.h>

/* name:password:uid:gid:gecos:home:shell */
static char *
home_of_line (const char *line, size_t len, uid_t uid)
{
  const char *field[7];
  const char *p = line, *end = line + len;
  char *num_end;
  unsigned long v;
  int n = 0;

  field[n++] = p;
  for (; p < end && n < 7; p++)
    if (*p == ':')
      field[n++] = p + 1;
  if (n < 7)
    return NULL;
  v = strtoul (field[2], &num_end, 10);
  if (num_end == field[2] || *num_end != ':' || v != (unsigned long) uid)
    return NULL;
  return strndup (field[5], (size_t) (field[6] - 1 - field[5]));
}

char *
rt_passwd_home (const char *passwd, uid_t uid)
{
  const char *line = passwd;

  while (*line)
    {
      size_t len = strcspn (line, "\n");
      char *home = *line == '#' ? NULL : home_of_line (line, len, uid);
      if (home != NULL)
        return home;
      line += len;
      if (*line == '\n')
        line++;
    }
  return NULL;
}
