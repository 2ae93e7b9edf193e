# expect: \.linux\.seccomp\.defaultAction
.linux.seccomp = {"defaultAction": "SCMP_ACT_FOO"}
