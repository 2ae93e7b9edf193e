/* __attribute__((cleanup)) helpers, so that every early return releases
 * what the function took. */
#ifndef RT_CLEANUP_H
#define RT_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void
rt_freep (void *p)
{
  free (*(void **) p);
}

static inline void
rt_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
}

static inline void
rt_fclosep (FILE **f)
{
  if (*f != NULL)
    fclose (*f);
}

static inline void
rt_strv_freep (char ***v)
{
  char **p;

  if (*v == NULL)
    return;
  for (p = *v; *p != NULL; p++)
    free (*p);
  free (*v);
}

#define cleanup_free __attribute__ ((cleanup (rt_freep)))
#define cleanup_close __attribute__ ((cleanup (rt_closep)))
#define cleanup_fclose __attribute__ ((cleanup (rt_fclosep)))
#define cleanup_strv __attribute__ ((cleanup (rt_strv_freep)))

/* Hand ownership out of a cleanup variable. */
static inline int
rt_steal_fd (int *fd)
{
  int r = *fd;
  *fd = -1;
  return r;
}

static inline void *
rt_steal_ptr (void *pp)
{
  void **p = pp;
  void *r = *p;
  *p = NULL;
  return r;
}

#endif
