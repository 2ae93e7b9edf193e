#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *
format_message (int errnum, const char *fmt, va_list ap)
{
  char *base = NULL, *full = NULL;

  if (vasprintf (&base, fmt, ap) < 0)
    return NULL;
  if (errnum == 0)
    return base;
  if (asprintf (&full, "%s: %s", base, strerror (errnum)) < 0)
    full = NULL;
  free (base);
  return full;
}

int
rt_error_setv (struct rt_error *err, int errnum, const char *fmt, va_list ap)
{
  if (err == NULL)
    return -1;
  free (err->msg);
  err->msg = format_message (errnum, fmt, ap);
  /* no memory for the message: main still says what went wrong */
  err->errnum = err->msg == NULL ? ENOMEM : errnum;
  return -1;
}

int (rt_error_set) (struct rt_error *err, int errnum, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  rt_error_setv (err, errnum, fmt, ap);
  va_end (ap);
  return -1;
}

int (rt_error_prefix) (struct rt_error *err, const char *fmt, ...)
{
  char *ctx = NULL, *joined = NULL;
  va_list ap;

  if (err == NULL)
    return -1;
  va_start (ap, fmt);
  if (vasprintf (&ctx, fmt, ap) < 0)
    ctx = NULL;
  va_end (ap);
  if (ctx == NULL)
    return -1;
  if (asprintf (&joined, "%s: %s", ctx,
                err->msg      ? err->msg
                : err->errnum ? strerror (err->errnum)
                              : "unknown error")
      < 0)
    joined = NULL;
  free (ctx);
  if (joined != NULL)
    {
      free (err->msg);
      err->msg = joined;
    }
  return -1;
}

int (rt_error_take) (struct rt_error *err, int errnum, char *msg)
{
  if (err == NULL)
    {
      free (msg);
      return -1;
    }
  free (err->msg);
  err->errnum = errnum;
  err->msg = msg;
  return -1;
}

void
rt_error_clear (struct rt_error *err)
{
  free (err->msg);
  err->msg = NULL;
  err->errnum = 0;
}

char *
rt_go_words (char *text)
{
  if (text[0] >= 'A' && text[0] <= 'Z' && !(text[1] >= 'A' && text[1] <= 'Z'))
    text[0] = (char) (text[0] - 'A' + 'a');
  return text;
}

const char *
rt_errno_text (int e, char *buf, size_t size)
{
  snprintf (buf, size, "%s", strerror (e));
  return rt_go_words (buf);
}
