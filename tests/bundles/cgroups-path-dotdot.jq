# expect: \.linux\.cgroupsPath
.linux.cgroupsPath = "../../../../tmp/rt-cgroup-escape"
