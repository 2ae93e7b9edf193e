# expect: \.linux\.sysctl
.linux.sysctl = {"../../../../tmp/rt-evil": "1"}
