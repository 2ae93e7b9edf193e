# expect: \.linux\.sysctl
.linux.sysctl = {"kernel.no_such_sysctl": "1"}
