# expect: \.linux\.seccomp\.architectures\[0\]
.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_VAX"]}
