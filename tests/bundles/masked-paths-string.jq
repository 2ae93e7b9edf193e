# expect: \.linux\.maskedPaths
.linux.maskedPaths = "/proc/kcore"
