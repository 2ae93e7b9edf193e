# expect: \.linux\.cgroupsPath
.linux.cgroupsPath = 5
