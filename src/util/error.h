/* One error idiom for all of rt: a function returns 0 or a negative value and,
 * on failure, fills a struct rt_error. Callers add context with
 * rt_error_prefix() on the way up; main() prints the one resulting line. */
#ifndef RT_ERROR_H
#define RT_ERROR_H

#include <stdarg.h>
#include <stddef.h>

struct rt_error
{
  int errnum; /* errno of the root cause, 0 when there is none */
  char *msg;  /* heap string, NULL when no error is set */
};

#define RT_PRINTF(a, b) __attribute__ ((format (printf, a, b)))

/* Set the error (replacing any earlier one); returns -1 so that callers can
 * write `return rt_error_set (err, errno, "open %s", p);`. With errnum != 0
 * ": strerror(errnum)" is appended to the message. */
int rt_error_set (struct rt_error *err, int errnum, const char *fmt, ...) RT_PRINTF (3, 4);
int rt_error_setv (struct rt_error *err, int errnum, const char *fmt, va_list ap);

/* Prepend "context: " to an error already set; returns -1. */
int rt_error_prefix (struct rt_error *err, const char *fmt, ...) RT_PRINTF (2, 3);

/* Take ownership of a message produced elsewhere (libocispec). */
int rt_error_take (struct rt_error *err, int errnum, char *msg);

void rt_error_clear (struct rt_error *err);

/* These always return -1, and callers rely on it (`if (f () < 0) return`
 * skips what f did not fill): said at every call, so that a reader of one
 * file, the static analyzer included, knows it too. */
#define rt_error_set(...) ({ (rt_error_set) (__VA_ARGS__), -1; })
#define rt_error_prefix(...) ({ (rt_error_prefix) (__VA_ARGS__), -1; })
#define rt_error_take(...) ({ (rt_error_take) (__VA_ARGS__), -1; })

/* strerror (e) as Go words it ("no such file or directory"): the words
 * engines look for in a failed exec, case and all (docs/engines.md). */
const char *rt_errno_text (int e, char *buf, size_t size);
/* C's capitalised message ("Bad system call") in Go's case, in place. */
char *rt_go_words (char *text);

#define RT_ERROR_INIT                                                                                                  \
  {                                                                                                                    \
    0, NULL                                                                                                            \
  }

#endif
