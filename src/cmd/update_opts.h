/* rt update's flags, parsed apart from the update itself (as create's in
 * create_opts.h): the unit tests check the parse without a container. */
#ifndef RT_UPDATE_OPTS_H
#define RT_UPDATE_OPTS_H

#include "ocispec.h"
#include "util/error.h"

/* The values of the flags; the strings point into argv. */
struct rt_update_opts
{
  const char *resources; /* --resources FILE, or - for stdin */
  oci_memory memory;
  oci_cpu cpu;
  oci_block_io block_io;
  oci_pids pids;
  const char *l3_cache_schema;
  const char *mem_bw_schema;
};

/* Parses argv's flags into *o: returns the index of the first argument,
 * -2 after printing --help, or -1 with err set. */
int rt_update_opts_parse (int argc, char **argv, struct rt_update_opts *o, struct rt_error *err);

/* What to apply: the --resources document (also in *doc, for
 * oci_resources_free) or, without one, *flags made to point into o; with
 * runc's rule that unlimited memory without a swap value unlimits swap
 * too. NULL with err set when the document cannot be read or parsed. */
oci_resources *rt_update_resources (struct rt_update_opts *o, oci_resources *flags, oci_resources **doc,
                                    struct rt_error *err);

#endif
