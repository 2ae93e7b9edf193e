#include "util/mountinfo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/fs.h"

/* The kernel writes space, tab, newline and backslash in paths as \ooo. */
static char *
unescape (const char *s, size_t n)
{
  char *out = malloc (n + 1), *o = out;
  size_t i;

  if (out == NULL)
    return NULL;
  for (i = 0; i < n; i++)
    if (s[i] == '\\' && i + 3 < n + 1 && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' && s[i + 2] <= '7'
        && s[i + 3] >= '0' && s[i + 3] <= '7')
      {
        *o++ = (char) ((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
        i += 3;
      }
    else
      *o++ = s[i];
  *o = '\0';
  return out;
}

/* The n-th space-separated field of [p, end), or NULL. */
static const char *
field (const char *p, const char *end, int n, size_t *len)
{
  while (n-- > 0 && p < end)
    {
      p = memchr (p, ' ', (size_t) (end - p));
      if (p == NULL)
        return NULL;
      p++;
    }
  if (p >= end)
    return NULL;
  *len = strcspn (p, " \n");
  if (p + *len > end)
    *len = (size_t) (end - p);
  return p;
}

static void
entry_free (struct rt_mount_entry *e)
{
  free (e->root);
  free (e->mountpoint);
  free (e->devno);
  free (e->fstype);
  free (e->source);
  free (e->superopts);
}

/* "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue" */
static int
parse_line (const char *line, const char *end, struct rt_mount_entry *e)
{
  const char *sep = NULL, *p, *f[6];
  size_t n[6];

  for (p = line; p + 2 < end; p++)
    if (p[0] == ' ' && p[1] == '-' && p[2] == ' ')
      {
        sep = p;
        break;
      }
  if (sep == NULL || (f[0] = field (line, sep, 2, &n[0])) == NULL || (f[1] = field (line, sep, 3, &n[1])) == NULL
      || (f[2] = field (line, sep, 4, &n[2])) == NULL || (f[3] = field (sep + 3, end, 0, &n[3])) == NULL
      || (f[4] = field (sep + 3, end, 1, &n[4])) == NULL || (f[5] = field (sep + 3, end, 2, &n[5])) == NULL)
    return 1;
  memset (e, 0, sizeof *e);
  e->devno = strndup (f[0], n[0]);
  e->root = unescape (f[1], n[1]);
  e->mountpoint = unescape (f[2], n[2]);
  e->fstype = strndup (f[3], n[3]);
  e->source = unescape (f[4], n[4]);
  e->superopts = strndup (f[5], n[5]);
  if (e->devno && e->root && e->mountpoint && e->fstype && e->source && e->superopts)
    return 0;
  entry_free (e);
  return -1;
}

int
rt_mountinfo_parse (const char *text, struct rt_mountinfo *out, struct rt_error *err)
{
  const char *line = text;

  memset (out, 0, sizeof *out);
  while (*line)
    {
      const char *end = line + strcspn (line, "\n");
      struct rt_mount_entry e, *ne;
      int r = parse_line (line, end, &e);

      if (r < 0)
        goto nomem;
      if (r == 0)
        {
          ne = realloc (out->e, (out->len + 1) * sizeof *ne);
          if (ne == NULL)
            {
              entry_free (&e);
              goto nomem;
            }
          out->e = ne;
          out->e[out->len++] = e;
        }
      line = *end ? end + 1 : end;
    }
  return 0;
nomem:
  rt_mountinfo_free (out);
  return rt_error_set (err, ENOMEM, "mountinfo");
}

int
rt_mountinfo_read (struct rt_mountinfo *out, struct rt_error *err)
{
  cleanup_free char *text = NULL;

  memset (out, 0, sizeof *out);
  if (rt_read_file ("/proc/self/mountinfo", &text, NULL, err) < 0)
    return -1;
  return rt_mountinfo_parse (text, out, err);
}

void
rt_mountinfo_free (struct rt_mountinfo *m)
{
  size_t i;

  for (i = 0; i < m->len; i++)
    entry_free (&m->e[i]);
  free (m->e);
  m->e = NULL;
  m->len = 0;
}
