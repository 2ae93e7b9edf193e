/* Where rt reports: stderr always, and the --log file (text or the JSON
 * lines {"level","msg","time"} that conmon and containerd's shim read). */
#ifndef RT_LOG_H
#define RT_LOG_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

enum rt_log_format
{
  RT_LOG_TEXT,
  RT_LOG_JSON,
};

int rt_log_open (const char *path, enum rt_log_format format, bool debug, struct rt_error *err);
void rt_log_close (void);
/* ts as 2006-01-02T15:04:05.999999999Z, into buf (64 bytes suffice) */
struct timespec;
void rt_time_rfc3339 (const struct timespec *ts, char *buf, size_t size);

void rt_log_error (const char *fmt, ...) RT_PRINTF (1, 2);
void rt_log_warning (const char *fmt, ...) RT_PRINTF (1, 2);
void rt_log_debug (const char *fmt, ...) RT_PRINTF (1, 2);

#endif
