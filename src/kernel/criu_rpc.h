/* What CRIU says: its RPC messages (criu/images/rpc.proto, protobuf version 2), encoded
 * and decoded by hand: the fields rt sends and reads, nothing else. Pure:
 * buffers in, buffers out, so the unit tests cover it. `criu swrk` reads
 * one CriuReq per SOCK_SEQPACKET message and answers with CriuResp ones
 * (kernel/criu.c runs that conversation). */
#ifndef RT_CRIU_RPC_H
#define RT_CRIU_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* criu_req_type */
enum rt_criu_type
{
  RT_CRIU_EMPTY = 0,
  RT_CRIU_DUMP = 1,
  RT_CRIU_RESTORE = 2,
  RT_CRIU_CHECK = 3,
  RT_CRIU_PRE_DUMP = 4,
  RT_CRIU_NOTIFY = 6,
  RT_CRIU_VERSION = 10,
};

/* criu_cg_mode; RT_CRIU_CG_UNSET leaves CRIU's default (soft) */
enum rt_criu_cg_mode
{
  RT_CRIU_CG_UNSET = -1,
  RT_CRIU_CG_IGNORE = 0,
  RT_CRIU_CG_NONE = 1,
  RT_CRIU_CG_PROPS = 2,
  RT_CRIU_CG_SOFT = 3,
  RT_CRIU_CG_FULL = 4,
  RT_CRIU_CG_STRICT = 5,
};

/* "soft", "full", "strict", "ignore" (runc's words) to the mode; -1 if none */
int rt_criu_cg_mode_parse (const char *name);

struct rt_criu_kv
{
  char *key;
  char *val; /* cg_root: key is the controller (NULL: all), val the path */
};

struct rt_criu_fd
{
  char *key;
  int fd;
};

struct rt_criu_kvs
{
  struct rt_criu_kv *v;
  size_t len;
};

int rt_criu_kvs_add (struct rt_criu_kvs *l, const char *key, const char *val);
void rt_criu_kvs_free (struct rt_criu_kvs *l);

/* One request. Booleans are sent when true, fds and numbers when >= 0,
 * strings when not NULL. */
struct rt_criu_req
{
  enum rt_criu_type type;
  bool notify_success; /* RT_CRIU_NOTIFY: the answer to a notification */
  /* the options (criu_opts) */
  int images_dir_fd;
  pid_t pid;
  int work_dir_fd;
  int status_fd;
  int log_level;
  const char *log_file;
  const char *root;
  const char *parent_img;
  const char *freeze_cgroup;
  const char *lsm_profile;
  const char *lsm_mount_context;
  const char *ps_address; /* page server, with ps_port */
  int ps_port;
  int manage_cgroups_mode; /* enum rt_criu_cg_mode */
  unsigned empty_ns;       /* CLONE_NEW* flags */
  bool leave_running, ext_unix_sk, tcp_established, tcp_close, tcp_skip_in_flight, shell_job, file_locks;
  bool track_mem, auto_dedup, manage_cgroups, rst_sibling, notify_scripts, orphan_pts_master, lazy_pages;
  struct rt_criu_kvs ext_mnt;
  struct rt_criu_kvs cg_root;
  struct rt_criu_kvs join_ns; /* key: "net", "ipc", ...; val: the namespace file */
  char **external;
  size_t external_len;
  struct rt_criu_fd *inherit_fd;
  size_t inherit_fd_len;
};

/* A request with nothing set (fds and numbers -1). */
void rt_criu_req_init (struct rt_criu_req *r, enum rt_criu_type type);
void rt_criu_req_free (struct rt_criu_req *r);
int rt_criu_req_add_external (struct rt_criu_req *r, const char *ext);
int rt_criu_req_add_inherit_fd (struct rt_criu_req *r, const char *key, int fd);

/* The wire form (heap buffer); -1 when out of memory. */
int rt_criu_req_encode (const struct rt_criu_req *r, unsigned char **buf, size_t *len);

struct rt_criu_resp
{
  enum rt_criu_type type;
  bool success;
  int cr_errno;
  char *cr_errmsg;
  pid_t restore_pid;   /* RT_CRIU_RESTORE */
  bool restored;       /* RT_CRIU_DUMP: the tasks were restored by CRIU itself */
  char *notify_script; /* RT_CRIU_NOTIFY: e.g. "post-dump", "orphan-pts-master" */
  pid_t notify_pid;
  int version_major, version_minor, version_sublevel; /* RT_CRIU_VERSION */
};

/* 0, or -1 for a malformed message. */
int rt_criu_resp_decode (const unsigned char *buf, size_t len, struct rt_criu_resp *out);
void rt_criu_resp_free (struct rt_criu_resp *r);

/* The first error CRIU logged (lines "(00.000123) Error (file.c:12): what"),
 * as "what" (heap string), or NULL if it logged none: the cause, where the
 * errors after it are its consequences. */
char *rt_criu_log_first_error (const char *log, size_t len);

#endif
