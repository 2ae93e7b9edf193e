/* rt_time_rfc3339 (util/log.c) computes the civil date itself; glibc's
 * gmtime_r + strftime is the reference it must match. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/log.h"

static void
expect_same (time_t t, long nsec)
{
  struct timespec ts = { .tv_sec = t, .tv_nsec = nsec };
  char mine[64], ref[64];
  struct tm tm;
  size_t n;

  rt_time_rfc3339 (&ts, mine, sizeof mine);
  gmtime_r (&t, &tm);
  n = strftime (ref, sizeof ref, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (ref + n, sizeof ref - n, ".%09ldZ", nsec);
  cr_assert_str_eq (mine, ref, "at %lld", (long long) t);
}

Test (time, epoch_and_leap_days)
{
  /* 1970-01-01, 2000-02-29, 2000-03-01, 2100-02-28 and 03-01 (no leap
   * day), 2024-02-29, 2038-01-19 past 32 bits, and 9999-12-31 */
  static const time_t at[] = {
    0, 951782400, 951868800, 4107456000, 4107542400, 1709164800, 2147483648LL, 253402300799LL
  };
  for (size_t i = 0; i < sizeof at / sizeof at[0]; i++)
    expect_same (at[i], 123456789);
}

Test (time, every_day_for_four_centuries)
{
  for (time_t t = 0; t < 146097LL * 86400; t += 86400 - 37)
    expect_same (t, 0);
}
